namespace LiveAvatar.Engine.Checkpoints;

/// <summary>Opens any checkpoint the engine understands, choosing the reader from the path and the file content.</summary>
public static class CheckpointReader
{
    private const string IndexSuffix = ".safetensors.index.json";

    public static ICheckpointReader Open(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full)) return OpenFolder(full);
        if (!File.Exists(full)) throw new FileNotFoundException($"checkpoint not found: {full}", full);
        if (full.EndsWith(IndexSuffix, StringComparison.OrdinalIgnoreCase)) return ShardedSafetensorsReader.Open(full);
        if (full.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase)) return SafetensorsReader.Open(full);
        return OpenByContent(full);
    }

    private static ICheckpointReader OpenByContent(string path)
    {
        Span<byte> head = stackalloc byte[9];
        int n;
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
            n = fs.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (n >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4)
            return TorchZipReader.Open(path);
        // A safetensors file under another name still starts with a small length followed by '{'.
        if (n == 9 && head[8] == (byte)'{' && BitConverter.ToUInt64(head[..8]) < SafetensorsReader.MaxHeaderBytes)
            return SafetensorsReader.Open(path);
        if (n >= 2 && head[0] == 0x80 && head[1] <= 5)
            throw new CheckpointFormatException(path,
                "is a bare pickle (torch.save legacy format or pickle.dump); only zip-format torch checkpoints are supported");
        throw new CheckpointFormatException(path,
            "is not a recognised checkpoint (expected safetensors, a safetensors index, or a torch.save zip archive)");
    }

    private static ICheckpointReader OpenFolder(string folder)
    {
        var indexes = Directory.GetFiles(folder, "*" + IndexSuffix);
        if (indexes.Length == 1) return ShardedSafetensorsReader.Open(indexes[0]);
        if (indexes.Length > 1)
            throw new CheckpointFormatException(folder,
                $"holds {indexes.Length} safetensors index files; open one of them directly");
        var singles = Directory.GetFiles(folder, "*.safetensors");
        if (singles.Length == 1) return SafetensorsReader.Open(singles[0]);
        if (singles.Length > 1)
            throw new CheckpointFormatException(folder,
                $"holds {singles.Length} .safetensors files and no *{IndexSuffix}; open one file directly");
        var torch = new[] { "*.pth", "*.pt", "*.bin" }.SelectMany(p => Directory.GetFiles(folder, p)).ToArray();
        if (torch.Length == 1) return Open(torch[0]);
        throw new CheckpointFormatException(folder, torch.Length > 1
            ? $"holds {torch.Length} torch checkpoint files; open one of them directly"
            : $"holds no checkpoint (looked for *{IndexSuffix}, *.safetensors, *.pth, *.pt, *.bin)");
    }
}
