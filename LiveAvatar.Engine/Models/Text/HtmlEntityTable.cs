namespace LiveAvatar.Engine.Models.Text;

internal static partial class HtmlEntityTable
{
    private static readonly Lazy<Dictionary<string, string>> Html5Map = new(() => ToMap(Pairs));
    private static readonly Lazy<Dictionary<string, string>> FtfyMap = new(() =>
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < Pairs.Length; i += 2)
            if (Pairs[i].EndsWith(';')) map["&" + Pairs[i]] = Pairs[i + 1];
        for (int i = 0; i < UpperCasePairs.Length; i += 2) map["&" + UpperCasePairs[i]] = UpperCasePairs[i + 1];
        return map;
    });
    private static readonly Lazy<HashSet<int>> Invalid = new(() => [.. InvalidCodePoints]);

    /// <summary>html.entities.html5: names as written after '&amp;', some without ';'.</summary>
    public static IReadOnlyDictionary<string, string> Html5 => Html5Map.Value;

    /// <summary>ftfy's HTML_ENTITIES: "&amp;name;" keys, including its all-caps spellings.</summary>
    public static IReadOnlyDictionary<string, string> Ftfy => FtfyMap.Value;

    public static bool IsInvalidCodePoint(long codePoint) => codePoint <= int.MaxValue && Invalid.Value.Contains((int)codePoint);

    private static Dictionary<string, string> ToMap(string[] pairs)
    {
        var map = new Dictionary<string, string>(pairs.Length / 2, StringComparer.Ordinal);
        for (int i = 0; i < pairs.Length; i += 2) map[pairs[i]] = pairs[i + 1];
        return map;
    }
}
