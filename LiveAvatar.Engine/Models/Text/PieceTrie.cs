using System.Text;

namespace LiveAvatar.Engine.Models.Text;

/// <summary>
/// Byte trie over the vocabulary, so Viterbi visits only the pieces that start at a position (cost per position is the
/// longest piece, not the vocabulary size). Children are first-child / next-sibling links in flat arrays, which keeps a
/// 256k-piece vocabulary to a few million small ints and builds in well under a second.
/// </summary>
internal sealed class PieceTrie
{
    private readonly List<int> _firstChild = [-1];
    private readonly List<int> _nextSibling = [-1];
    private readonly List<byte> _label = [0];
    private readonly List<int> _pieceId = [-1];

    public void Add(string piece, int id)
    {
        int node = 0;
        foreach (byte b in Encoding.UTF8.GetBytes(piece))
        {
            int child = FindChild(node, b);
            if (child < 0)
            {
                child = _label.Count;
                _label.Add(b);
                _pieceId.Add(-1);
                _firstChild.Add(-1);
                _nextSibling.Add(_firstChild[node]);
                _firstChild[node] = child;
            }
            node = child;
        }
        // The first id wins for duplicated pieces, as in a dictionary built in vocabulary order.
        if (node != 0 && _pieceId[node] < 0) _pieceId[node] = id;
    }

    /// <summary>Fills <paramref name="matches"/> with (byte length, piece id) of every piece prefixing <paramref name="text"/>, shortest first.</summary>
    public void CollectPrefixes(ReadOnlySpan<byte> text, List<(int Length, int Id)> matches)
    {
        matches.Clear();
        int node = 0;
        for (int i = 0; i < text.Length; i++)
        {
            node = FindChild(node, text[i]);
            if (node < 0) return;
            if (_pieceId[node] >= 0) matches.Add((i + 1, _pieceId[node]));
        }
    }

    private int FindChild(int node, byte b)
    {
        for (int c = _firstChild[node]; c >= 0; c = _nextSibling[c])
            if (_label[c] == b) return c;
        return -1;
    }
}
