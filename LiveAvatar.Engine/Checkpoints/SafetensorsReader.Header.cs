using System.Text.Json;


namespace LiveAvatar.Engine.Checkpoints;

internal sealed partial class SafetensorsReader
{
    private readonly record struct HeaderEntry(string Name, CheckpointDType DType, long[] Shape, long Begin, long End);

    private HeaderEntry ParseEntry(string name, JsonElement e, long dataLength)
    {
        if (e.ValueKind != JsonValueKind.Object)
            throw Bad(name, $"header entry must be an object, found {e.ValueKind}");
        if (!e.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String)
            throw Bad(name, "missing or non-string 'dtype'");
        var code = dt.GetString()!;
        if (!SafetensorsDTypes.TryParse(code, out var dtype))
            throw Bad(name, $"unknown dtype '{code}' (supported: {SafetensorsDTypes.Supported})");

        if (!e.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array)
            throw Bad(name, "missing or non-array 'shape'");
        var shape = new long[sh.GetArrayLength()];
        int d = 0;
        foreach (var dim in sh.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out var v))
                throw Bad(name, $"shape entry {d} is not an integer");
            if (v < 0) throw Bad(name, $"negative dimension {v} in shape");
            shape[d++] = v;
        }

        if (!e.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array
            || off.GetArrayLength() != 2)
            throw Bad(name, "missing 'data_offsets' (expected [begin, end])");
        long begin = ReadOffset(name, off[0]);
        long end = ReadOffset(name, off[1]);
        if (end < begin) throw Bad(name, $"data_offsets end {end} is before begin {begin}");
        if (end > dataLength)
            throw Bad(name,
                $"data_offsets [{begin}, {end}] lie outside the data section ({dataLength} bytes); the file may be truncated");

        long bytes;
        try
        {
            long numel = 1;
            foreach (var v in shape) numel = checked(numel * v);
            bytes = checked(numel * dtype.ElementSize());
        }
        catch (OverflowException)
        {
            throw Bad(name, $"shape [{string.Join(", ", shape)}] is too large");
        }
        if (bytes != end - begin)
            throw Bad(name,
                $"data_offsets span {end - begin} bytes but shape [{string.Join(", ", shape)}] of {code} needs {bytes}");
        return new HeaderEntry(name, dtype, shape, begin, end);
    }

    private long ReadOffset(string name, JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var x) || x < 0)
            throw Bad(name, $"data_offsets entry '{v.GetRawText()}' is not a non-negative integer");
        return x;
    }

    private CheckpointFormatException Bad(string tensor, string problem) => new(Path, tensor, problem);
}
