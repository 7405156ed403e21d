namespace LiveAvatar.Engine.Models.Text;

/// <summary>An entry of tokenizer.json "added_tokens".</summary>
public sealed record AddedToken(int Id, string Content, bool Special, bool SingleWord = false, bool LStrip = false, bool RStrip = false, bool Normalized = false);

/// <summary>
/// Cuts added tokens (e.g. a literal "&lt;/s&gt;") out of the raw text before normalisation, leftmost-longest like
/// tokenizers' AddedVocabulary. Tokens flagged "normalized" are matched on the raw text too (tokenizers matches them
/// after normalisation; the umT5 and fixture files have none).
/// </summary>
internal sealed class AddedTokenSplitter(IReadOnlyList<AddedToken> tokens)
{
    private readonly AddedToken[] _longestFirst =
        [.. tokens.Where(t => t.Content.Length > 0).OrderByDescending(t => t.Content.Length)];

    /// <summary>Text segments (Id null) and matched added tokens (Id set), in order.</summary>
    public List<(string Text, int? Id, int Offset)> Split(string text)
    {
        var parts = new List<(string, int?, int)>();
        int segmentStart = 0, i = 0;
        while (i < text.Length)
        {
            var token = MatchAt(text, i);
            if (token is null) { i++; continue; }
            int matchStart = i, matchEnd = i + token.Content.Length;
            if (token.LStrip) while (matchStart > segmentStart && UnicodeWhitespace.IsWhiteSpace(text[matchStart - 1])) matchStart--;
            if (token.RStrip) while (matchEnd < text.Length && UnicodeWhitespace.IsWhiteSpace(text[matchEnd])) matchEnd++;
            if (matchStart > segmentStart) parts.Add((text[segmentStart..matchStart], null, segmentStart));
            parts.Add((token.Content, token.Id, matchStart));
            segmentStart = i = matchEnd;
        }
        if (segmentStart < text.Length) parts.Add((text[segmentStart..], null, segmentStart));
        return parts;
    }

    private AddedToken? MatchAt(string text, int index)
    {
        foreach (var token in _longestFirst)
        {
            if (string.CompareOrdinal(text, index, token.Content, 0, token.Content.Length) != 0) continue;
            if (token.SingleWord && !IsWordBoundary(text, index, index + token.Content.Length)) continue;
            return token;
        }
        return null;
    }

    private static bool IsWordBoundary(string text, int start, int end) =>
        (start == 0 || !char.IsLetterOrDigit(text[start - 1])) && (end == text.Length || !char.IsLetterOrDigit(text[end]));
}
