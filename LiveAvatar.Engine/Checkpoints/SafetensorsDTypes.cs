using LiveAvatar.Engine.Tensors;

namespace LiveAvatar.Engine.Checkpoints;

/// <summary>The dtype codes of the safetensors header. Kept apart from DTypeInfo.Parse because the header codes
/// are exact and case-sensitive, while the CLI parser is forgiving.</summary>
internal static class SafetensorsDTypes
{
    private static readonly (string Code, DType DType)[] Table =
    [
        ("BF16", DType.BFloat16), ("F16", DType.Float16), ("F32", DType.Float32), ("F64", DType.Float64),
        ("I64", DType.Int64), ("I32", DType.Int32), ("I8", DType.Int8), ("U8", DType.UInt8), ("BOOL", DType.Bool),
        ("F8_E4M3", DType.Float8E4M3), ("F8_E5M2", DType.Float8E5M2), ("C64", DType.Complex64),
    ];

    public static string Supported => string.Join(", ", Table.Select(t => t.Code));

    public static bool TryParse(string code, out DType dtype)
    {
        foreach (var (c, d) in Table)
        {
            if (c == code)
            {
                dtype = d;
                return true;
            }
        }
        dtype = default;
        return false;
    }

    public static string Code(DType dtype)
    {
        foreach (var (c, d) in Table)
            if (d == dtype) return c;
        throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "no safetensors code for this dtype");
    }
}
