using System.Text;

namespace LiveAvatar.Engine.Models.Text;

/// <summary>
/// Unicode NFC from tables generated out of Python's unicodedata. The solution runs with InvariantGlobalization, under
/// which <c>string.Normalize</c> leaves non-ASCII text untouched, so ftfy's NFC step needs its own implementation.
/// </summary>
internal static partial class CanonicalTables
{
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    private static readonly Lazy<Dictionary<int, int>> CombiningClasses = new(() => ToMap(CombiningClassPairs, 2));
    private static readonly Lazy<Dictionary<int, (int, int)>> Decompositions = new(() =>
    {
        var map = new Dictionary<int, (int, int)>();
        for (int i = 0; i < DecompositionTriples.Length; i += 3)
            map[DecompositionTriples[i]] = (DecompositionTriples[i + 1], DecompositionTriples[i + 2]);
        return map;
    });
    private static readonly Lazy<Dictionary<long, int>> Compositions = new(() =>
    {
        var map = new Dictionary<long, int>();
        for (int i = 0; i < CompositionTriples.Length; i += 3)
            map[Pair(CompositionTriples[i], CompositionTriples[i + 1])] = CompositionTriples[i + 2];
        return map;
    });

    public static string ToNfc(string text)
    {
        if (IsAsciiOnly(text)) return text;
        var points = new List<int>(text.Length);
        foreach (var rune in text.EnumerateRunes()) Decompose(rune.Value, points);
        ReorderMarks(points);
        Compose(points);
        var sb = new StringBuilder(text.Length);
        foreach (int cp in points) sb.Append(char.ConvertFromUtf32(cp));
        return sb.ToString();
    }

    private static int CombiningClass(int cp) => CombiningClasses.Value.TryGetValue(cp, out int c) ? c : 0;

    private static void Decompose(int cp, List<int> output)
    {
        if (cp is >= SBase and < SBase + SCount)
        {
            int s = cp - SBase;
            output.Add(LBase + s / NCount);
            output.Add(VBase + s % NCount / TCount);
            if (s % TCount != 0) output.Add(TBase + s % TCount);
            return;
        }
        if (!Decompositions.Value.TryGetValue(cp, out var parts)) { output.Add(cp); return; }
        Decompose(parts.Item1, output);
        if (parts.Item2 >= 0) Decompose(parts.Item2, output);
    }

    // Canonical ordering: a stable sort of each run of non-starters by combining class.
    private static void ReorderMarks(List<int> points)
    {
        for (int i = 1; i < points.Count; i++)
        {
            int cc = CombiningClass(points[i]);
            if (cc == 0) continue;
            for (int j = i; j > 0 && CombiningClass(points[j - 1]) > cc; j--)
                (points[j - 1], points[j]) = (points[j], points[j - 1]);
        }
    }

    private static void Compose(List<int> points)
    {
        int starter = -1, lastClass = -1, write = 0;
        for (int read = 0; read < points.Count; read++)
        {
            int cp = points[read], cc = CombiningClass(cp);
            bool blocked = starter < 0 || (lastClass != -1 && (lastClass == 0 || lastClass >= cc));
            if (!blocked && TryCompose(points[starter], cp, out int composite))
            {
                points[starter] = composite;
                continue;
            }
            if (cc == 0) { starter = write; lastClass = -1; }
            else lastClass = cc;
            points[write++] = cp;
        }
        points.RemoveRange(write, points.Count - write);
    }

    private static bool TryCompose(int first, int second, out int composite)
    {
        if (first is >= LBase and < LBase + LCount && second is >= VBase and < VBase + VCount)
        {
            composite = SBase + ((first - LBase) * VCount + second - VBase) * TCount;
            return true;
        }
        if (first is >= SBase and < SBase + SCount && (first - SBase) % TCount == 0 && second is > TBase and < TBase + TCount)
        {
            composite = first + second - TBase;
            return true;
        }
        return Compositions.Value.TryGetValue(Pair(first, second), out composite);
    }

    private static long Pair(int a, int b) => ((long)a << 21) | (uint)b;

    private static Dictionary<int, int> ToMap(int[] flat, int stride)
    {
        var map = new Dictionary<int, int>(flat.Length / stride);
        for (int i = 0; i < flat.Length; i += stride) map[flat[i]] = flat[i + 1];
        return map;
    }

    private static bool IsAsciiOnly(string text)
    {
        foreach (char c in text) if (c >= 0x80) return false;
        return true;
    }
}
