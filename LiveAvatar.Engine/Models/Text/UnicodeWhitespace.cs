namespace LiveAvatar.Engine.Models.Text;

/// <summary>
/// The whitespace sets the reference pipeline uses. They differ: Python's <c>str.strip()</c> / <c>str.isspace()</c>
/// also counts U+001C..U+001F, while the <c>regex</c> module's <c>\s</c> and Rust's <c>char::is_whitespace</c> use the
/// Unicode White_Space property. .NET's <c>char.IsWhiteSpace</c> matches neither exactly, so both are spelled out.
/// </summary>
internal static class UnicodeWhitespace
{
    /// <summary>Unicode White_Space: Python <c>regex</c> <c>\s</c> and Rust <c>char::is_whitespace</c>.</summary>
    public static bool IsWhiteSpace(char c) => c switch
    {
        >= '\t' and <= '\r' => true,
        ' ' or '\u0085' or '\u00A0' or '\u1680' => true,
        >= '\u2000' and <= '\u200A' => true,
        '\u2028' or '\u2029' or '\u202F' or '\u205F' or '\u3000' => true,
        _ => false,
    };

    /// <summary>Python <c>str.isspace()</c>, used by <c>str.strip()</c>.</summary>
    public static bool IsPythonSpace(char c) => IsWhiteSpace(c) || c is >= '\u001C' and <= '\u001F';

    public static string PythonStrip(string text)
    {
        int start = 0, end = text.Length;
        while (start < end && IsPythonSpace(text[start])) start++;
        while (end > start && IsPythonSpace(text[end - 1])) end--;
        return text[start..end];
    }
}
