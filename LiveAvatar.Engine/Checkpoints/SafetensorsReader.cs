using System.Buffers.Binary;
using System.Text.Json;

namespace LiveAvatar.Engine.Checkpoints;

/// <summary>One memory-mapped .safetensors file: u64 LE header length, a JSON header, then the data section.</summary>
internal sealed partial class SafetensorsReader : CheckpointReaderBase
{
    // The reference implementation refuses headers above 100 MB; anything larger is corruption, not a model.
    internal const long MaxHeaderBytes = 100L * 1024 * 1024;

    private SafetensorsReader(string path) : base(path)
    {
    }

    public static SafetensorsReader Open(string path)
    {
        return LoadOrDispose(new SafetensorsReader(System.IO.Path.GetFullPath(path)));
    }

    protected override void Load()
    {
        var file = Own(MappedFile.Open(Path));
        if (file.Length < 8)
            throw new CheckpointFormatException(Path,
                $"file is {file.Length} bytes, too short for a safetensors header (needs at least 8)");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file.Span(0, 8));
        if (headerLength > (ulong)(file.Length - 8))
            throw new CheckpointFormatException(Path,
                $"header length {headerLength} exceeds the file size ({file.Length} bytes); the file is truncated or not safetensors");
        if (headerLength > MaxHeaderBytes)
            throw new CheckpointFormatException(Path, $"header length {headerLength} is absurd (limit {MaxHeaderBytes})");
        long dataStart = 8 + (long)headerLength;
        long dataLength = file.Length - dataStart;

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(file.Span(8, (int)headerLength).ToArray());
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(Path, $"header is not valid JSON ({e.Message})", e);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new CheckpointFormatException(Path,
                    $"header must be a JSON object, found {doc.RootElement.ValueKind}");
            var entries = new List<HeaderEntry>();
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (prop.Name == "__metadata__") ReadMetadata(prop.Value);
                else entries.Add(ParseEntry(prop.Name, prop.Value, dataLength));
            }
            CheckOverlaps(entries);
            foreach (var e in entries)
                Add(CheckpointTensor.Create(e.Name, e.DType, e.Shape, CheckpointTensor.ContiguousStrides(e.Shape), file,
                    dataStart + e.Begin, e.End - e.Begin, 0));
        }
    }

    private void ReadMetadata(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new CheckpointFormatException(Path, "__metadata__ must be a JSON object of strings");
        foreach (var m in value.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.String)
                throw new CheckpointFormatException(Path, $"__metadata__ value '{m.Name}' must be a string");
            MetadataTable[m.Name] = m.Value.GetString()!;
        }
    }

    private void CheckOverlaps(List<HeaderEntry> entries)
    {
        var sorted = entries.Where(e => e.End > e.Begin).OrderBy(e => e.Begin).ToList();
        for (int i = 1; i < sorted.Count; i++)
        {
            var (a, b) = (sorted[i - 1], sorted[i]);
            if (b.Begin < a.End)
                throw new CheckpointFormatException(Path, b.Name,
                    $"data_offsets [{b.Begin}, {b.End}] overlap tensor '{a.Name}' at [{a.Begin}, {a.End}]");
        }
    }
}
