namespace LiveAvatar.Engine.Tensors;

/// <summary>Element types the engine uses. Values are the native shim's codes (shim.h).</summary>
public enum DType
{
    UInt8 = 0,
    Int32 = 1,
    Int64 = 2,
    Float16 = 3,
    BFloat16 = 4,
    Float32 = 5,
    Float64 = 6,
    Bool = 7,
    Float8E4M3 = 8,
    Complex64 = 9,
    Int8 = 10,
    Float8E5M2 = 11,
}

public static class DTypeInfo
{
    public static int ElementSize(this DType t) => t switch
    {
        DType.UInt8 or DType.Int8 or DType.Bool or DType.Float8E4M3 or DType.Float8E5M2 => 1,
        DType.Float16 or DType.BFloat16 => 2,
        DType.Int32 or DType.Float32 => 4,
        DType.Int64 or DType.Float64 or DType.Complex64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(t), t, "unknown dtype"),
    };

    public static bool IsFloatingPoint(this DType t) =>
        t is DType.Float16 or DType.BFloat16 or DType.Float32 or DType.Float64 or DType.Float8E4M3 or DType.Float8E5M2;

    /// <summary>Short lower-case name as PyTorch prints it (float32, bfloat16, ...).</summary>
    public static string Name(this DType t) => t switch
    {
        DType.UInt8 => "uint8",
        DType.Int8 => "int8",
        DType.Int32 => "int32",
        DType.Int64 => "int64",
        DType.Float16 => "float16",
        DType.BFloat16 => "bfloat16",
        DType.Float32 => "float32",
        DType.Float64 => "float64",
        DType.Bool => "bool",
        DType.Float8E4M3 => "float8_e4m3fn",
        DType.Float8E5M2 => "float8_e5m2",
        DType.Complex64 => "complex64",
        _ => t.ToString(),
    };

    /// <summary>Parses names used by PyTorch, safetensors headers and the CLI (f32, bf16, float32, BF16, ...).</summary>
    public static DType Parse(string s) => TryParse(s, out var t) ? t
        : throw new FormatException($"unknown dtype '{s}' (expected one of f32, f16, bf16, f64, i64, i32, u8, i8, bool, f8e4m3)");

    public static bool TryParse(string s, out DType t)
    {
        DType? r = s.Trim().ToLowerInvariant() switch
        {
            "f32" or "float32" or "float" => DType.Float32,
            "f16" or "float16" or "half" => DType.Float16,
            "bf16" or "bfloat16" => DType.BFloat16,
            "f64" or "float64" or "double" => DType.Float64,
            "i64" or "int64" or "long" => DType.Int64,
            "i32" or "int32" or "int" => DType.Int32,
            "u8" or "uint8" => DType.UInt8,
            "i8" or "int8" => DType.Int8,
            "bool" => DType.Bool,
            "f8e4m3" or "f8_e4m3" or "float8_e4m3fn" or "e4m3" => DType.Float8E4M3,
            "f8e5m2" or "f8_e5m2" or "float8_e5m2" or "e5m2" => DType.Float8E5M2,
            "c64" or "complex64" => DType.Complex64,
            _ => null,
        };
        t = r ?? default;
        return r.HasValue;
    }
}
