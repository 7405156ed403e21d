namespace LiveAvatar.Engine.Models.Text;

/// <summary>
/// Finds the vocabulary pieces that start at a position of a word, shortest first, for Viterbi. A hash lookup of each
/// candidate span up to the longest piece (span-keyed, so no substrings are allocated) costs about as much per
/// position as a trie walk, and builds a 256k-piece vocabulary far faster than a node-per-byte trie.
/// </summary>
internal sealed class PieceIndex
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private int _longest;

    public void Add(string piece, int id)
    {
        // The first id wins for duplicated pieces.
        if (piece.Length > 0 && _ids.TryAdd(piece, id)) _longest = Math.Max(_longest, piece.Length);
    }

    /// <summary>Fills <paramref name="matches"/> with (UTF-16 length, piece id) of every piece prefixing <paramref name="text"/>,
    /// shortest first. Spans ending inside a surrogate pair are skipped (no valid piece can end there).</summary>
    public void CollectPrefixes(ReadOnlySpan<char> text, List<(int Length, int Id)> matches)
    {
        matches.Clear();
        var lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
        int limit = Math.Min(_longest, text.Length);
        for (int length = 1; length <= limit; length++)
        {
            if (char.IsHighSurrogate(text[length - 1]) && length < text.Length && char.IsLowSurrogate(text[length])) continue;
            if (lookup.TryGetValue(text[..length], out int id)) matches.Add((length, id));
        }
    }
}
