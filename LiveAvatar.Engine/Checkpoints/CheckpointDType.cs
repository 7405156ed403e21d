using static TorchSharp.torch;

namespace LiveAvatar.Engine.Checkpoints;

/// <summary>Element types a checkpoint file can hold. Unlike TorchSharp's ScalarType it knows float8, which the
/// engine carries as uint8 bytes (<see cref="CheckpointDTypes.ToScalarType"/>).</summary>
public enum CheckpointDType
{
    UInt8,
    Int8,
    Int32,
    Int64,
    Float16,
    BFloat16,
    Float32,
    Float64,
    Bool,
    Float8E4M3,
    Float8E5M2,
    Complex64,
}

public static class CheckpointDTypes
{
    public static int ElementSize(this CheckpointDType t) => t switch
    {
        CheckpointDType.UInt8 or CheckpointDType.Int8 or CheckpointDType.Bool or CheckpointDType.Float8E4M3 or CheckpointDType.Float8E5M2 => 1,
        CheckpointDType.Float16 or CheckpointDType.BFloat16 => 2,
        CheckpointDType.Int32 or CheckpointDType.Float32 => 4,
        CheckpointDType.Int64 or CheckpointDType.Float64 or CheckpointDType.Complex64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "unknown dtype"),
    };

    public static bool IsFloat8(this CheckpointDType t) => t is CheckpointDType.Float8E4M3 or CheckpointDType.Float8E5M2;

    /// <summary>Short name as PyTorch prints it (float32, bfloat16, float8_e4m3fn, ...).</summary>
    public static string Name(this CheckpointDType t) => t switch
    {
        CheckpointDType.UInt8 => "uint8",
        CheckpointDType.Int8 => "int8",
        CheckpointDType.Int32 => "int32",
        CheckpointDType.Int64 => "int64",
        CheckpointDType.Float16 => "float16",
        CheckpointDType.BFloat16 => "bfloat16",
        CheckpointDType.Float32 => "float32",
        CheckpointDType.Float64 => "float64",
        CheckpointDType.Bool => "bool",
        CheckpointDType.Float8E4M3 => "float8_e4m3fn",
        CheckpointDType.Float8E5M2 => "float8_e5m2",
        CheckpointDType.Complex64 => "complex64",
        _ => t.ToString(),
    };

    /// <summary>Parses the names <see cref="Name"/> gives (as PyTorch prints them, with or without "torch.").</summary>
    public static CheckpointDType Parse(string name)
    {
        var n = name.StartsWith("torch.", StringComparison.Ordinal) ? name[6..] : name;
        foreach (var t in Enum.GetValues<CheckpointDType>())
            if (t.Name() == n) return t;
        throw new FormatException($"unknown checkpoint dtype '{name}'");
    }

    /// <summary>The TorchSharp dtype that holds this element type; float8 is carried as its bytes (uint8).</summary>
    public static ScalarType ToScalarType(this CheckpointDType t) => t switch
    {
        CheckpointDType.UInt8 or CheckpointDType.Float8E4M3 or CheckpointDType.Float8E5M2 => ScalarType.Byte,
        CheckpointDType.Int8 => ScalarType.Int8,
        CheckpointDType.Int32 => ScalarType.Int32,
        CheckpointDType.Int64 => ScalarType.Int64,
        CheckpointDType.Float16 => ScalarType.Float16,
        CheckpointDType.BFloat16 => ScalarType.BFloat16,
        CheckpointDType.Float32 => ScalarType.Float32,
        CheckpointDType.Float64 => ScalarType.Float64,
        CheckpointDType.Bool => ScalarType.Bool,
        CheckpointDType.Complex64 => ScalarType.ComplexFloat32,
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "unknown dtype"),
    };

    /// <summary>The file element type of a TorchSharp dtype (for the writers).</summary>
    public static CheckpointDType FromScalarType(ScalarType t) => t switch
    {
        ScalarType.Byte => CheckpointDType.UInt8,
        ScalarType.Int8 => CheckpointDType.Int8,
        ScalarType.Int32 => CheckpointDType.Int32,
        ScalarType.Int64 => CheckpointDType.Int64,
        ScalarType.Float16 => CheckpointDType.Float16,
        ScalarType.BFloat16 => CheckpointDType.BFloat16,
        ScalarType.Float32 => CheckpointDType.Float32,
        ScalarType.Float64 => CheckpointDType.Float64,
        ScalarType.Bool => CheckpointDType.Bool,
        ScalarType.ComplexFloat32 => CheckpointDType.Complex64,
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "no checkpoint element type for this dtype"),
    };
}
