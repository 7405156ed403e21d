namespace LiveAvatar.Engine.Models.Text;

/// <summary>
/// ftfy's "sloppy-windows-1252": Windows-1252 where the five undefined bytes (81, 8D, 8F, 90, 9D) map to the C1
/// control with the same number, so every byte has a character and every such character a byte. Python's
/// <c>html._invalid_charrefs</c> uses the same table for &amp;#128;..&amp;#159;.
/// </summary>
internal static class Windows1252
{
    private static readonly string High = // bytes 0x80..0x9F
        "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F" +
        "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

    private static readonly Lazy<Dictionary<char, byte>> Reverse = new(() =>
    {
        var map = new Dictionary<char, byte>();
        for (int b = 0; b < 256; b++) map[Decode((byte)b)[0]] = (byte)b;
        return map;
    });

    public static string Decode(byte b) => b is >= 0x80 and <= 0x9F ? High[b - 0x80].ToString() : ((char)b).ToString();

    public static bool TryEncode(char c, out byte b) => Reverse.Value.TryGetValue(c, out b);
}
