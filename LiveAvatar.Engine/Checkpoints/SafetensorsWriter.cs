using System.Buffers.Binary;
using System.Text.Json;


namespace LiveAvatar.Engine.Checkpoints;

/// <summary>Writes a .safetensors file. Output goes to a temporary file in the same folder and is renamed over
/// the target at the end, so a crash never leaves a half-written checkpoint under the real name.</summary>
public static class SafetensorsWriter
{
    public static void Write(string path,
        IEnumerable<(string Name, CheckpointDType DType, long[] Shape, ReadOnlyMemory<byte> Data)> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in list)
        {
            if (t.Name == "__metadata__" || !seen.Add(t.Name))
                throw new ArgumentException($"tensor name '{t.Name}' is reserved or repeated", nameof(tensors));
            long numel = 1;
            foreach (var d in t.Shape)
            {
                if (d < 0) throw new ArgumentException($"tensor '{t.Name}' has negative dimension {d}", nameof(tensors));
                numel = checked(numel * d);
            }
            if (numel * t.DType.ElementSize() != t.Data.Length)
                throw new ArgumentException(
                    $"tensor '{t.Name}': shape [{string.Join(", ", t.Shape)}] of {t.DType.Name()} needs " +
                    $"{numel * t.DType.ElementSize()} bytes, got {t.Data.Length}", nameof(tensors));
        }

        var header = BuildHeader(list, metadata);
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                Span<byte> len = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)header.Length);
                fs.Write(len);
                fs.Write(header);
                foreach (var t in list) fs.Write(t.Data.Span);
                fs.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private static byte[] BuildHeader(List<(string Name, CheckpointDType DType, long[] Shape, ReadOnlyMemory<byte> Data)> list,
        IReadOnlyDictionary<string, string>? metadata)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in list)
            {
                w.WriteStartObject(t.Name);
                w.WriteString("dtype", SafetensorsDTypes.Code(t.DType));
                w.WriteStartArray("shape");
                foreach (var d in t.Shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + t.Data.Length);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += t.Data.Length;
            }
            w.WriteEndObject();
        }
        // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
        int pad = (int)((8 - ms.Length % 8) % 8);
        for (int i = 0; i < pad; i++) ms.WriteByte((byte)' ');
        return ms.ToArray();
    }
}
