using System.Globalization;
using System.Text.Json;

namespace LiveAvatar.Cli.Commands;

/// <summary>One batch item: the four fields of the original's sample list plus optional overrides.</summary>
public sealed record BatchItem(int Index, string Prompt, string Image, string Audio, int? NumClip,
    IReadOnlyDictionary<string, string> Overrides, string? Output);

/// <summary>Reads a batch manifest: JSON (an array, or {"samples": [...]}) or CSV with a header row.
/// Relative paths are resolved against the manifest's folder.</summary>
public static class BatchManifest
{
    private static readonly HashSet<string> Known = ["prompt", "image", "audio", "num_clip", "output"];
    public static readonly IReadOnlySet<string> OverrideKeys = new HashSet<string>
        { "size", "sample_steps", "sample_guide_scale", "infer_frames", "base_seed", "enable_online_decode" };

    public static IReadOnlyList<BatchItem> Load(string path)
    {
        if (!File.Exists(path)) throw new ArgumentException($"batch manifest {path}: no such file");
        var text = File.ReadAllText(path);
        var rows = text.TrimStart().StartsWith('[') || text.TrimStart().StartsWith('{') ? FromJson(path, text) : FromCsv(path, text);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var items = new List<BatchItem>();
        var problems = new List<string>();
        for (var i = 0; i < rows.Count; i++)
        {
            var r = rows[i];
            string Need(string k)
            {
                if (r.TryGetValue(k, out var v) && !string.IsNullOrWhiteSpace(v)) return v;
                problems.Add($"item {i + 1}: '{k}' is missing");
                return "";
            }
            foreach (var k in r.Keys.Where(k => !Known.Contains(k) && !OverrideKeys.Contains(k)))
                problems.Add($"item {i + 1}: unknown field '{k}' (known: {string.Join(", ", Known.Concat(OverrideKeys))})");
            int? clips = null;
            if (r.TryGetValue("num_clip", out var nc) && !string.IsNullOrWhiteSpace(nc))
            {
                if (int.TryParse(nc, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 1) clips = n;
                else problems.Add($"item {i + 1}: num_clip '{nc}' is not a positive integer");
            }
            string Resolve(string p) => p.Length == 0 || Path.IsPathRooted(p) ? p : Path.GetFullPath(Path.Combine(dir, p));
            var overrides = r.Where(kv => OverrideKeys.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
            items.Add(new BatchItem(i + 1, Need("prompt"), Resolve(Need("image")), Resolve(Need("audio")), clips, overrides,
                r.TryGetValue("output", out var o) && !string.IsNullOrWhiteSpace(o) ? o : null));
        }
        if (rows.Count == 0) problems.Add("the manifest lists no items");
        if (problems.Count > 0) throw new ArgumentException($"batch manifest {path}:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", problems));
        return items;
    }

    private static List<Dictionary<string, string>> FromJson(string path, string text)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(text); }
        catch (JsonException e) { throw new ArgumentException($"batch manifest {path}: not valid JSON ({e.Message})"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("samples", out var s)) root = s;
            if (root.ValueKind != JsonValueKind.Array) throw new ArgumentException($"batch manifest {path}: expected a JSON array of items (or {{\"samples\": [...]}})");
            var rows = new List<Dictionary<string, string>>();
            foreach (var e in root.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.Object) throw new ArgumentException($"batch manifest {path}: item {rows.Count + 1} is not an object");
                rows.Add(e.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText()));
            }
            return rows;
        }
    }

    private static List<Dictionary<string, string>> FromCsv(string path, string text)
    {
        var lines = ParseCsv(text).Where(l => l.Count > 1 || (l.Count == 1 && l[0].Length > 0)).ToList();
        if (lines.Count == 0) return [];
        var header = lines[0].Select(h => h.Trim()).ToList();
        var rows = new List<Dictionary<string, string>>();
        for (var i = 1; i < lines.Count; i++)
        {
            if (lines[i].Count != header.Count)
                throw new ArgumentException($"batch manifest {path}: row {i + 1} has {lines[i].Count} fields, the header has {header.Count}");
            rows.Add(header.Zip(lines[i]).ToDictionary(p => p.First, p => p.Second.Trim()));
        }
        return rows;
    }

    /// <summary>RFC 4180: quoted fields may hold commas, quotes ("") and newlines.</summary>
    private static List<List<string>> ParseCsv(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                row.Add(field.ToString()); field.Clear(); rows.Add(row); row = [];
            }
            else field.Append(c);
        }
        if (field.Length > 0 || row.Count > 0) { row.Add(field.ToString()); rows.Add(row); }
        return rows;
    }
}
