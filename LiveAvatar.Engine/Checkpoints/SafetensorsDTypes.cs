

namespace LiveAvatar.Engine.Checkpoints;

/// <summary>The dtype codes of the safetensors header. Kept apart from CheckpointDTypes.Parse because the header codes
/// are exact and case-sensitive, while the CLI parser is forgiving.</summary>
internal static class SafetensorsDTypes
{
    private static readonly (string Code, CheckpointDType DType)[] Table =
    [
        ("BF16", CheckpointDType.BFloat16), ("F16", CheckpointDType.Float16), ("F32", CheckpointDType.Float32), ("F64", CheckpointDType.Float64),
        ("I64", CheckpointDType.Int64), ("I32", CheckpointDType.Int32), ("I8", CheckpointDType.Int8), ("U8", CheckpointDType.UInt8), ("BOOL", CheckpointDType.Bool),
        ("F8_E4M3", CheckpointDType.Float8E4M3), ("F8_E5M2", CheckpointDType.Float8E5M2), ("C64", CheckpointDType.Complex64),
    ];

    public static string Supported => string.Join(", ", Table.Select(t => t.Code));

    public static bool TryParse(string code, out CheckpointDType dtype)
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

    public static string Code(CheckpointDType dtype)
    {
        foreach (var (c, d) in Table)
            if (d == dtype) return c;
        throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "no safetensors code for this dtype");
    }
}
