using System.Globalization;
using System.Text;
using LiveAvatar.Engine.Checkpoints.Pickle;

namespace LiveAvatar.Engine.Checkpoints;

/// <summary>A torch.save zip archive (.pth / .pt / pytorch_model.bin): <c>prefix/data.pkl</c> describes the object,
/// <c>prefix/data/&lt;key&gt;</c> hold raw storages that are served from the mapping in place.</summary>
internal sealed class TorchZipReader : CheckpointReaderBase
{
    private const int MaxNesting = 64;

    private MappedFile _file = null!;
    private Dictionary<string, ZipDirectory.Entry> _entries = null!;
    private string _prefix = "";

    private TorchZipReader(string path) : base(path)
    {
    }

    public static TorchZipReader Open(string path)
    {
        return LoadOrDispose(new TorchZipReader(System.IO.Path.GetFullPath(path)));
    }

    protected override void Load()
    {
        _file = Own(MappedFile.Open(Path));
        if (!ZipDirectory.HasZipMagic(_file))
            throw new CheckpointFormatException(Path, "is not a zip archive (torch.save's legacy pre-1.6 format is not supported)");
        _entries = ZipDirectory.Read(_file);
        var pkl = _entries.Keys.Where(k => k.EndsWith("/data.pkl", StringComparison.Ordinal) || k == "data.pkl")
            .OrderBy(k => k.Count(c => c == '/')).FirstOrDefault()
            ?? throw new CheckpointFormatException(Path, "archive has no data.pkl; it is not a torch.save checkpoint");
        _prefix = pkl[..^"data.pkl".Length];
        CheckByteOrder();
        var root = PickleMachine.Load(EntryBytes(pkl), Path, pkl);
        Flatten("", root, 0);
    }

    private void CheckByteOrder()
    {
        if (!_entries.ContainsKey(_prefix + "byteorder")) return;
        var order = Encoding.ASCII.GetString(EntryBytes(_prefix + "byteorder")).Trim();
        if (order != "little")
            throw new CheckpointFormatException(Path, $"byteorder is '{order}'; only little-endian checkpoints are supported");
    }

    private byte[] EntryBytes(string name)
    {
        var e = _entries[name];
        if (e.Method != 0)
            throw new CheckpointFormatException(Path,
                $"zip entry '{name}' is compressed (method {e.Method}); torch.save stores entries uncompressed");
        if (e.Size > int.MaxValue) throw new CheckpointFormatException(Path, $"zip entry '{name}' is too large to parse");
        return _file.Span(e.DataOffset, (int)e.Size).ToArray();
    }

    // Nested dicts and lists are flattened with '.'-joined keys, so a checkpoint that wraps its state dict under
    // "state_dict" or "model" lists as "state_dict.blocks.0..."; non-tensor leaves become metadata.
    private void Flatten(string prefix, object? value, int depth)
    {
        // A hostile pickle can nest containers arbitrarily deep; stop before the stack does.
        if (depth > MaxNesting)
            throw new CheckpointFormatException(Path, $"containers nest deeper than {MaxNesting} levels at '{prefix}'");
        switch (value)
        {
            case PyTensor t:
                Add(MakeTensor(prefix.Length == 0 ? "tensor" : prefix, t));
                break;
            case PyDict d:
                foreach (var (k, v) in d.Items) Flatten(Join(prefix, KeyText(k)), v, depth + 1);
                break;
            case PyList l:
                for (int i = 0; i < l.Items.Count; i++) Flatten(Join(prefix, i.ToString(CultureInfo.InvariantCulture)), l.Items[i], depth + 1);
                break;
            case object?[] tuple:
                for (int i = 0; i < tuple.Length; i++) Flatten(Join(prefix, i.ToString(CultureInfo.InvariantCulture)), tuple[i], depth + 1);
                break;
            case string or long or double or bool:
                MetadataTable[prefix] = Convert.ToString(value, CultureInfo.InvariantCulture)!;
                break;
        }
    }

    private CheckpointTensor MakeTensor(string name, PyTensor t)
    {
        var entryName = _prefix + "data/" + t.Storage.Key;
        if (!_entries.TryGetValue(entryName, out var entry))
            throw new CheckpointFormatException(Path, name, $"its storage '{entryName}' is missing from the archive");
        if (entry.Method != 0)
            throw new CheckpointFormatException(Path, name, $"its storage '{entryName}' is compressed; cannot map it in place");
        return CheckpointTensor.Create(name, t.Storage.DType, t.Shape, t.Stride, _file, entry.DataOffset, entry.Size, t.Offset);
    }

    private static string Join(string prefix, string key) => prefix.Length == 0 ? key : prefix + "." + key;

    private static string KeyText(object? key) => key switch
    {
        string s => s,
        null => "None",
        _ => Convert.ToString(key, CultureInfo.InvariantCulture) ?? key.ToString() ?? "",
    };
}
