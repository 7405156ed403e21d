namespace LiveAvatar.Engine.Models.Text;

/// <summary>
/// Read-only view of a darts-clone double array, the trie format SentencePiece compiles its normalisation rules into.
/// Each 32-bit unit packs a label (low byte, plus bit 31 for "is a leaf"), a has-leaf flag (bit 8) and an offset to the
/// children (bits 10..31, shifted by 8 more when bit 9 is set).
/// </summary>
internal sealed class DoubleArrayTrie(uint[] units)
{
    private readonly uint[] _units = units;

    private static bool HasLeaf(uint unit) => ((unit >> 8) & 1) == 1;

    private static int Value(uint unit) => (int)(unit & 0x7FFF_FFFFu);

    private static uint Label(uint unit) => unit & (0x8000_0000u | 0xFFu);

    private static int Offset(uint unit) => (int)((unit >> 10) << (int)((unit & (1u << 9)) >> 6));

    /// <summary>
    /// Values of every key that is a prefix of <paramref name="key"/>, shortest first, with the byte length of each key.
    /// A zero byte ends the search, as it does in darts-clone (keys are C strings).
    /// </summary>
    public List<(int Length, int Value)> CommonPrefixSearch(ReadOnlySpan<byte> key)
    {
        var results = new List<(int, int)>();
        if (_units.Length == 0) return results;
        int node = Offset(_units[0]);
        for (int i = 0; i < key.Length; i++)
        {
            byte c = key[i];
            if (c == 0) break;
            node ^= c;
            if ((uint)node >= (uint)_units.Length) break;
            uint unit = _units[node];
            if (Label(unit) != c) break;
            node ^= Offset(unit);
            if (HasLeaf(unit) && (uint)node < (uint)_units.Length) results.Add((i + 1, Value(_units[node])));
        }
        return results;
    }
}
