using System.Text.Json;

namespace LiveAvatar.Engine.Checkpoints;

/// <summary>A Hugging Face sharded checkpoint: <c>*.safetensors.index.json</c> with a <c>weight_map</c> from tensor
/// name to shard file. Shards are mapped eagerly (mapping reads nothing), so every missing key is found up front.</summary>
internal sealed class ShardedSafetensorsReader : CheckpointReaderBase
{
    private ShardedSafetensorsReader(string path) : base(path)
    {
    }

    public static ShardedSafetensorsReader Open(string indexPath)
    {
        return LoadOrDispose(new ShardedSafetensorsReader(System.IO.Path.GetFullPath(indexPath)));
    }

    protected override void Load()
    {
        var weightMap = ReadIndex();
        var folder = System.IO.Path.GetDirectoryName(Path)!;
        var shards = new Dictionary<string, SafetensorsReader>(StringComparer.Ordinal);
        foreach (var (name, shardName) in weightMap)
        {
            if (!shards.TryGetValue(shardName, out var shard))
            {
                var shardPath = System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, shardName));
                if (!File.Exists(shardPath))
                    throw new CheckpointFormatException(Path, name, $"its shard {shardPath} does not exist");
                shard = Own(SafetensorsReader.Open(shardPath));
                shards[shardName] = shard;
                foreach (var (k, v) in shard.Metadata) MetadataTable.TryAdd(k, v);
            }
            if (!shard.TryGet(name, out var tensor))
                throw new CheckpointFormatException(Path, name,
                    $"weight_map places it in shard {shard.Path}, which does not contain it");
            Add(tensor);
        }
    }

    private List<(string Name, string Shard)> ReadIndex()
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllBytes(Path));
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(Path, $"index is not valid JSON ({e.Message})", e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("weight_map", out var map)
                || map.ValueKind != JsonValueKind.Object)
                throw new CheckpointFormatException(Path, "index has no 'weight_map' object");
            if (root.TryGetProperty("metadata", out var meta) && meta.ValueKind == JsonValueKind.Object)
            {
                foreach (var m in meta.EnumerateObject())
                    MetadataTable[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : m.Value.GetRawText();
            }
            var result = new List<(string, string)>();
            foreach (var entry in map.EnumerateObject())
            {
                if (entry.Value.ValueKind != JsonValueKind.String)
                    throw new CheckpointFormatException(Path, entry.Name, "weight_map value must be a shard file name");
                result.Add((entry.Name, entry.Value.GetString()!));
            }
            return result;
        }
    }
}
