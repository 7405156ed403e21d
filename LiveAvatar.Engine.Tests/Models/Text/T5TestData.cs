using System.Globalization;

namespace LiveAvatar.Engine.Tests.Models.Text;

/// <summary>Where the shared golden data lives (../shared/golden from the repository root) and the approved key lists.</summary>
internal static class T5TestData
{
    public static string Golden => TestSupport.GoldenPaths.Root;

    public static string Fixture(string name) => Path.Combine(Golden, name);

    /// <summary>Reads keys_14b/*.txt: "key TAB [d0, d1, ...] TAB dtype" per line, '#' comments.</summary>
    public static Dictionary<string, long[]> KeyList(string file) =>
        File.ReadLines(Path.Combine(Golden, "keys_14b", file))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('\t'))
            .ToDictionary(p => p[0], p => p[1].Trim('[', ']').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray());

}
