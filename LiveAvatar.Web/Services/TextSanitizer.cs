using System.Globalization;
using System.Text;

namespace LiveAvatar.Web.Services;

/// <summary>
/// Makes user text safe to show: no control characters and no bidi overrides or isolates (U+202E would make
/// "gnp.exe" read as "exe.png"), and cuts only between whole characters (grapheme clusters), so an emoji or an
/// accented letter is never split in half.
/// </summary>
public static class TextSanitizer
{
    /// <summary>Format characters that change how text reads without being visible: bidi embeddings, overrides,
    /// isolates and marks. Zero-width joiners stay: emoji sequences need them.</summary>
    private static bool IsBidiControl(char c) => c is '\u061C' or '\u200E' or '\u200F'
        or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    /// <summary>One line: every control character (tabs and newlines too) becomes a space, runs of spaces shrink
    /// to one, then the text is cut to <paramref name="maxCharacters"/> whole characters.</summary>
    public static string SingleLine(string? text, int maxCharacters) => Cut(Clean(text, keepNewlines: false), maxCharacters);

    /// <summary>Like <see cref="SingleLine"/> but keeps line breaks (prompts may have several lines).</summary>
    public static string MultiLine(string? text, int maxCharacters) => Cut(Clean(text, keepNewlines: true), maxCharacters);

    /// <summary>Grapheme clusters in <paramref name="text"/> (what a reader counts as characters).</summary>
    public static int CharacterCount(string text) => new StringInfo(text).LengthInTextElements;

    public static string Cut(string text, int maxCharacters)
    {
        if (text.Length <= maxCharacters) return text;
        var elements = StringInfo.GetTextElementEnumerator(text);
        int count = 0;
        while (elements.MoveNext())
        {
            if (++count > maxCharacters) return text[..elements.ElementIndex];
        }
        return text;
    }

    private static string Clean(string? text, bool keepNewlines)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var sb = new StringBuilder(text.Length);
        foreach (char c in text.Replace("\r\n", "\n"))
        {
            if (IsBidiControl(c)) continue;
            if (c == '\n' && keepNewlines) sb.Append('\n');
            else if (char.IsControl(c) || c is '\u2028' or '\u2029') AppendSpace(sb);
            else if (c == ' ') AppendSpace(sb);
            else sb.Append(c);
        }
        return sb.ToString().Trim();
    }

    private static void AppendSpace(StringBuilder sb)
    {
        if (sb.Length > 0 && sb[^1] != ' ' && sb[^1] != '\n') sb.Append(' ');
    }
}
