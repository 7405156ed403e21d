using System.Text;
using System.Text.RegularExpressions;

namespace LiveAvatar.Engine.Models.Text;

/// <summary>
/// The parts of <c>ftfy.fix_text</c> (6.3.1, default TextFixerConfig) that Wan's prompt cleaning relies on, applied as
/// ftfy applies them: line by line, each line fixed repeatedly until nothing changes, HTML unescaped only while no line
/// so far has contained '&lt;'.
/// Reproduced: ftfy's HTML unescape (named entities with ';', its all-caps spellings, numeric references),
/// C1 controls read as Windows-1252, Latin ligatures, full-width / half-width forms, curly quotes, line breaks, lone
/// surrogates, ANSI terminal escapes, control characters, NFC.
/// Not reproduced: ftfy's mojibake detection (the "badness" heuristic, its many encodings, partial re-decoding of mixed
/// text, restore_byte_a0, replace_lossy_sequences, decode_inconsistent_utf8). In its place
/// <see cref="FixWholeLineMojibake"/> re-decodes a whole line as UTF-8 read as Windows-1252 when it shows a UTF-8 lead
/// byte followed by a continuation byte and decodes strictly. ftfy can fix text this misses (Latin-1 / MacRoman
/// mojibake, lines mixing good and bad text) and leaves alone some text this would change.
/// </summary>
internal static partial class FtfyText
{
    private static readonly Lazy<Dictionary<char, string>> WidthMap = new(() => WidthPairs.ToDictionary(p => p.Key, p => p.Value));

    private static readonly Dictionary<char, string> Ligatures = new()
    {
        ['\u0132'] = "IJ", ['\u0133'] = "ij", ['\u0149'] = "\u02BCn", ['\u01F1'] = "DZ", ['\u01F2'] = "Dz",
        ['\u01F3'] = "dz", ['\u01C4'] = "D\u017D", ['\u01C5'] = "D\u017E", ['\u01C6'] = "d\u017E", ['\u01C7'] = "LJ",
        ['\u01C8'] = "Lj", ['\u01C9'] = "lj", ['\u01CA'] = "NJ", ['\u01CB'] = "Nj", ['\u01CC'] = "nj",
        ['\uFB00'] = "ff", ['\uFB01'] = "fi", ['\uFB02'] = "fl", ['\uFB03'] = "ffi", ['\uFB04'] = "ffl",
        ['\uFB05'] = "\u017Ft", ['\uFB06'] = "st",
    };

    [GeneratedRegex("&#?[0-9A-Za-z]{1,24};")]
    private static partial Regex FtfyEntity();

    [GeneratedRegex(@"\x1b\[((?:\d|;)*)([a-zA-Z])")]
    private static partial Regex AnsiEscape();

    // A UTF-8 lead byte then a continuation byte, both seen through Windows-1252 ("Ã©", "â€").
    [GeneratedRegex("[\u00C2-\u00F4][\u0080-\u00BF\u0152\u0153\u0160\u0161\u0178\u017D\u017E\u0192\u02C6\u02DC\u2013\u2014\u2018-\u201E\u2020-\u2022\u2026\u2030\u2039\u203A\u20AC\u2122]")]
    private static partial Regex MojibakeHint();

    public static string FixText(string text)
    {
        var sb = new StringBuilder(text.Length);
        bool unescapeHtml = true;
        for (int pos = 0; pos < text.Length; )
        {
            int lineEnd = text.IndexOf('\n', pos);
            lineEnd = lineEnd < 0 ? text.Length : lineEnd + 1;
            string line = text[pos..lineEnd];
            if (line.Contains('<')) unescapeHtml = false; // sticky, as ftfy replaces its config for later lines
            sb.Append(FixLine(line, unescapeHtml));
            pos = lineEnd;
        }
        return sb.ToString();
    }

    private static string FixLine(string text, bool unescapeHtml)
    {
        while (true)
        {
            string original = text;
            if (unescapeHtml) text = FtfyEntity().Replace(text, m => UnescapeEntity(m.Value));
            text = FixWholeLineMojibake(text);
            text = FixC1Controls(text);
            text = MapChars(text, Ligatures);
            text = MapChars(text, WidthMap.Value);
            text = UncurlQuotes(text);
            text = text.Replace("\r\n", "\n").Replace('\r', '\n').Replace('\u2028', '\n').Replace('\u2029', '\n').Replace('\u0085', '\n');
            text = ReplaceLoneSurrogates(text);
            text = AnsiEscape().Replace(text, "");
            text = RemoveControlChars(text);
            text = CanonicalTables.ToNfc(text);
            if (text == original) return text;
        }
    }

    private static string UnescapeEntity(string entity)
    {
        if (HtmlEntityTable.Ftfy.TryGetValue(entity, out string? value)) return value;
        if (!entity.StartsWith("&#", StringComparison.Ordinal)) return entity;
        string unescaped = PythonHtml.Unescape(entity);
        return unescaped.Contains(';') ? entity : unescaped;
    }

    public static string FixWholeLineMojibake(string text)
    {
        if (!MojibakeHint().IsMatch(text)) return text;
        var bytes = new byte[text.Length];
        for (int i = 0; i < text.Length; i++)
            if (!Windows1252.TryEncode(text[i], out bytes[i])) return text;
        try { return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes); }
        catch (DecoderFallbackException) { return text; }
    }

    private static string FixC1Controls(string text) => MapChars(text, c => c is >= '\u0080' and <= '\u009F' ? Windows1252.Decode((byte)c) : null);

    private static string UncurlQuotes(string text) =>
        MapChars(text, c => c is '\u02BC' or (>= '\u2018' and <= '\u201B') ? "'" : c is >= '\u201C' and <= '\u201F' ? "\"" : null);

    private static string RemoveControlChars(string text) => MapChars(text, c =>
        c is <= '\u0008' or '\u000B' or (>= '\u000E' and <= '\u001F') or '\u007F' or (>= '\u206A' and <= '\u206F')
            or '\uFEFF' or (>= '\uFFF9' and <= '\uFFFC') ? "" : null);

    private static string ReplaceLoneSurrogates(string text)
    {
        var chars = text.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            if (char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1])) { i++; continue; }
            if (char.IsSurrogate(chars[i])) chars[i] = '\uFFFD';
        }
        return new string(chars);
    }

    private static string MapChars(string text, Dictionary<char, string> map) => MapChars(text, c => map.TryGetValue(c, out var v) ? v : null);

    private static string MapChars(string text, Func<char, string?> map)
    {
        StringBuilder? sb = null;
        for (int i = 0; i < text.Length; i++)
        {
            string? replacement = map(text[i]);
            if (replacement is null) { sb?.Append(text[i]); continue; }
            sb ??= new StringBuilder(text.Length).Append(text, 0, i);
            sb.Append(replacement);
        }
        return sb?.ToString() ?? text;
    }
}
