using System.Globalization;
using System.Text.RegularExpressions;

namespace LiveAvatar.Engine.Models.Text;

/// <summary>Python's <c>html.unescape</c> (3.11), reproduced rule for rule.</summary>
public static partial class PythonHtml
{
    // The same pattern as html._charref; [0-9] rather than \d because .NET's \d also matches non-ASCII digits.
    [GeneratedRegex(@"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)", RegexOptions.CultureInvariant)]
    private static partial Regex CharRef();

    public static string Unescape(string text) =>
        text.Contains('&') ? CharRef().Replace(text, m => ReplaceCharRef(m.Groups[1].Value)) : text;

    internal static string ReplaceCharRef(string s)
    {
        if (s[0] == '#')
        {
            bool hex = s.Length > 1 && (s[1] == 'x' || s[1] == 'X');
            string digits = s[(hex ? 2 : 1)..].TrimEnd(';');
            return FromCodePoint(ParseCapped(digits, hex ? 16 : 10));
        }
        var html5 = HtmlEntityTable.Html5;
        if (html5.TryGetValue(s, out string? value)) return value;
        // The longest entity name that prefixes s, for the legacy names the standard accepts without ';'.
        for (int x = s.Length - 1; x > 1; x--)
            if (html5.TryGetValue(s[..x], out value)) return value + s[x..];
        return "&" + s;
    }

    private static string FromCodePoint(long num)
    {
        switch (num)
        {
            case 0x00: return "\uFFFD";
            case 0x0D: return "\r";
            case >= 0x80 and <= 0x9F: return Windows1252.Decode((byte)num);
        }
        if (num is >= 0xD800 and <= 0xDFFF || num > 0x10FFFF) return "\uFFFD";
        if (HtmlEntityTable.IsInvalidCodePoint(num)) return "";
        return char.ConvertFromUtf32((int)num);
    }

    // Python ints are unbounded; anything past U+10FFFF only needs to stay past it.
    private static long ParseCapped(string digits, int radix)
    {
        long value = 0;
        foreach (char c in digits)
        {
            value = value * radix + int.Parse(c.ToString(), radix == 16 ? NumberStyles.HexNumber : NumberStyles.None, CultureInfo.InvariantCulture);
            if (value > 0x10FFFF) return 0x110000;
        }
        return value;
    }
}
