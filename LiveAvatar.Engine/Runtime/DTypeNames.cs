using static TorchSharp.torch;

namespace LiveAvatar.Engine.Runtime;

/// <summary>The dtype names users type (CLI, config) and the names PyTorch prints.</summary>
public static class DTypeNames
{
    public static ScalarType Parse(string s) => TryParse(s, out var t) ? t
        : throw new FormatException($"unknown dtype '{s}' (expected one of f32, f16, bf16, f64, i64, i32, u8, i8, bool)");

    public static bool TryParse(string s, out ScalarType t)
    {
        ScalarType? r = s.Trim().ToLowerInvariant() switch
        {
            "f32" or "float32" or "float" => ScalarType.Float32,
            "f16" or "float16" or "half" => ScalarType.Float16,
            "bf16" or "bfloat16" => ScalarType.BFloat16,
            "f64" or "float64" or "double" => ScalarType.Float64,
            "i64" or "int64" or "long" => ScalarType.Int64,
            "i32" or "int32" or "int" => ScalarType.Int32,
            "u8" or "uint8" => ScalarType.Byte,
            "i8" or "int8" => ScalarType.Int8,
            "bool" => ScalarType.Bool,
            _ => null,
        };
        t = r ?? default;
        return r.HasValue;
    }

    /// <summary>Lower-case name as PyTorch prints it (float32, bfloat16, ...).</summary>
    public static string Name(ScalarType t) => t switch
    {
        ScalarType.Byte => "uint8",
        ScalarType.Int8 => "int8",
        ScalarType.Int16 => "int16",
        ScalarType.Int32 => "int32",
        ScalarType.Int64 => "int64",
        ScalarType.Float16 => "float16",
        ScalarType.BFloat16 => "bfloat16",
        ScalarType.Float32 => "float32",
        ScalarType.Float64 => "float64",
        ScalarType.Bool => "bool",
        ScalarType.ComplexFloat32 => "complex64",
        ScalarType.ComplexFloat64 => "complex128",
        _ => t.ToString(),
    };

    public static int ElementSize(ScalarType t) => t switch
    {
        ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool => 1,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        ScalarType.Int32 or ScalarType.Float32 => 4,
        ScalarType.Int64 or ScalarType.Float64 or ScalarType.ComplexFloat32 => 8,
        ScalarType.ComplexFloat64 => 16,
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "unknown dtype"),
    };

    public static bool IsFloatingPoint(ScalarType t) =>
        t is ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64;
}
