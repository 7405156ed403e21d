using System.Text.Json;
using LiveAvatar.Engine.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Tools.Parity;

/// <summary>A reference-tensor folder: manifest.json (fixture, config, tensors → file, tolerances) plus the
/// safetensors files it names. Any such folder works, including ones with other dims and seeds.</summary>
public sealed class GoldenFolder : IDisposable
{
    private readonly Dictionary<string, ICheckpointReader> _files = new(StringComparer.Ordinal);
    private readonly JsonDocument _doc;

    public GoldenFolder(string directory)
    {
        Directory = Path.GetFullPath(directory);
        var manifest = Path.Combine(Directory, "manifest.json");
        if (!File.Exists(manifest)) throw new FileNotFoundException($"{Directory} has no manifest.json", manifest);
        _doc = JsonDocument.Parse(File.ReadAllBytes(manifest));
        Fixture = Manifest.TryGetProperty("fixture", out var f) ? f.GetString() ?? "" : "";
    }

    public string Directory { get; }
    public string Fixture { get; }
    public JsonElement Manifest => _doc.RootElement;
    public JsonElement Config => Manifest.GetProperty("config");

    public IEnumerable<string> TensorNames => Manifest.GetProperty("tensors").EnumerateObject().Select(p => p.Name);

    public bool Has(string name) => Manifest.GetProperty("tensors").TryGetProperty(name, out _);

    /// <summary>The reader of the file that holds <paramref name="name"/> (weights for Module.Load).</summary>
    public ICheckpointReader ReaderFor(string name)
    {
        if (!Manifest.GetProperty("tensors").TryGetProperty(name, out var info))
            throw new KeyNotFoundException($"{Directory}/manifest.json lists no tensor '{name}'");
        return Reader(info.GetProperty("file").GetString()!);
    }

    public ICheckpointReader Reader(string file)
    {
        if (!_files.TryGetValue(file, out var r)) _files[file] = r = CheckpointReader.Open(Path.Combine(Directory, file));
        return r;
    }

    public Tensor Load(string name, Device? device = null, ScalarType? dtype = null) => ReaderFor(name)[name].ToTensor(device, dtype);

    /// <summary>The manifest's tolerance text for a key (e.g. "max|err| &lt;= 1e-4 * (1 + max|ref|)").</summary>
    public string? ToleranceText(string key) =>
        Manifest.TryGetProperty("tolerances", out var t) && t.TryGetProperty(key, out var v) ? v.GetString() : null;

    public void Dispose()
    {
        foreach (var r in _files.Values) r.Dispose();
        _doc.Dispose();
    }
}
