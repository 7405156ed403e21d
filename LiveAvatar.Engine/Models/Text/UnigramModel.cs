using System.Text;

namespace LiveAvatar.Engine.Models.Text;

/// <summary>
/// The Unigram language model of SentencePiece as Hugging Face tokenizers runs it: Viterbi over the pieces that match
/// at each character boundary, scores summed in double precision; a character no piece covers becomes an unknown node
/// scored <c>min score - 10</c>; adjacent unknowns are fused; a fused unknown becomes <c>&lt;0xXX&gt;</c> byte pieces
/// when byte fallback is on and every byte has its piece, and the unk id otherwise.
/// </summary>
public sealed class UnigramModel
{
    private const double UnknownPenalty = 10.0;

    private readonly string[] _pieces;
    private readonly double[] _scores;
    private readonly Dictionary<string, int> _ids;
    private readonly PieceIndex _index = new();
    private readonly double _unknownScore;

    public UnigramModel(IReadOnlyList<(string Piece, double Score)> vocab, int? unkId, bool byteFallback)
    {
        if (vocab.Count == 0) throw new ArgumentException("The Unigram vocabulary is empty.", nameof(vocab));
        if (unkId is { } u && (u < 0 || u >= vocab.Count))
            throw new ArgumentOutOfRangeException(nameof(unkId), $"unk_id {u} is outside the {vocab.Count}-piece vocabulary.");
        _pieces = new string[vocab.Count];
        _scores = new double[vocab.Count];
        _ids = new Dictionary<string, int>(vocab.Count, StringComparer.Ordinal);
        double minScore = double.PositiveInfinity;
        for (int id = 0; id < vocab.Count; id++)
        {
            var (piece, score) = vocab[id];
            _pieces[id] = piece;
            _scores[id] = score;
            _ids.TryAdd(piece, id);
            _index.Add(piece, id);
            minScore = Math.Min(minScore, score);
        }
        _unknownScore = minScore - UnknownPenalty;
        UnkId = unkId;
        ByteFallback = byteFallback;
    }

    public int? UnkId { get; }

    public bool ByteFallback { get; }

    public int VocabSize => _pieces.Length;

    public string IdToPiece(int id) => _pieces[id];

    public int? PieceToId(string piece) => _ids.TryGetValue(piece, out int id) ? id : null;

    /// <summary>Ids for one pre-tokenized word (already normalised, with its '▁').</summary>
    public void Tokenize(string word, List<int> ids)
    {
        foreach (string piece in Segment(word))
        {
            if (_ids.TryGetValue(piece, out int id)) { ids.Add(id); continue; }
            if (ByteFallback && TryAddBytePieces(piece, ids)) continue;
            ids.Add(UnkId!.Value); // Only fused unknowns miss the dictionary, and those exist only with an unk_id.
        }
    }

    /// <summary>Best-scoring split of <paramref name="word"/> into piece strings (unknown runs fused into one string).</summary>
    public List<string> Segment(string word)
    {
        // Positions are UTF-16 indices at character boundaries; pieces are whole characters, so this walks the same
        // lattice as tokenizers' walk over UTF-8 bytes.
        int size = word.Length;
        var bestScore = new double[size + 1];
        var startsAt = new int[size + 1];
        var nodeId = new int[size + 1];
        Array.Fill(startsAt, -1);
        var matches = new List<(int Length, int Id)>();
        for (int start = 0; start < size; )
        {
            double scoreHere = bestScore[start];
            int charLength = char.IsSurrogatePair(word, start) ? 2 : 1;
            bool hasSingleChar = false;
            _index.CollectPrefixes(word.AsSpan(start), matches);
            foreach (var (length, id) in matches)
            {
                int end = start + length;
                double candidate = scoreHere + _scores[id];
                if (startsAt[end] < 0 || candidate > bestScore[end])
                    (bestScore[end], startsAt[end], nodeId[end]) = (candidate, start, id);
                hasSingleChar |= length == charLength;
            }
            if (!hasSingleChar)
            {
                int end = start + charLength;
                double candidate = scoreHere + _unknownScore;
                if (startsAt[end] < 0 || candidate > bestScore[end])
                    (bestScore[end], startsAt[end], nodeId[end]) = (candidate, start, UnkId ?? throw MissingUnk(word.Substring(start, charLength)));
            }
            start += charLength;
        }
        return Backtrack(word, startsAt, nodeId);
    }

    private static InvalidOperationException MissingUnk(string character) =>
        new($"The text contains '{character}', which no piece covers, and the model has no unk_id.");

    // Like tokenizers, every node carrying unk_id is fused with its unknown neighbours, including a literal unk piece.
    private List<string> Backtrack(string word, int[] startsAt, int[] nodeId)
    {
        var pieces = new List<string>();
        int end = word.Length, unknownEnd = -1;
        while (end > 0)
        {
            int start = startsAt[end];
            bool unknown = nodeId[end] == UnkId;
            if (!unknown && unknownEnd >= 0) { pieces.Add(word[end..unknownEnd]); unknownEnd = -1; }
            if (unknown) { if (unknownEnd < 0) unknownEnd = end; }
            else pieces.Add(word[start..end]);
            end = start;
        }
        if (unknownEnd >= 0) pieces.Add(word[..unknownEnd]);
        pieces.Reverse();
        return pieces;
    }

    private bool TryAddBytePieces(string piece, List<int> ids)
    {
        int mark = ids.Count;
        foreach (byte b in Encoding.UTF8.GetBytes(piece))
        {
            if (!_ids.TryGetValue($"<0x{b:X2}>", out int id)) { ids.RemoveRange(mark, ids.Count - mark); return false; }
            ids.Add(id);
        }
        return true;
    }
}
