using System.Text.Json;

namespace LiveAvatar.Engine.Models.Text;

/// <summary>Ids padded to a fixed length and the matching attention mask (1 for real tokens, EOS included).</summary>
public sealed record TokenizedText(int[] Ids, int[] AttentionMask)
{
    /// <summary>Real tokens before the padding; the T5 encoder output is trimmed to this many rows.</summary>
    public int Length => AttentionMask.Count(m => m == 1);
}

/// <summary>
/// A SentencePiece Unigram tokenizer read from a Hugging Face tokenizer.json (umT5's, for the text encoder), run as
/// tokenizers runs it: added tokens cut out, normalizer, pre-tokenizer, Viterbi per word, template (appends &lt;/s&gt;),
/// then truncation and padding as <c>padding="max_length", truncation=True</c>.
/// </summary>
public sealed class UnigramTokenizer
{
    private readonly AddedTokenSplitter _splitter;
    private readonly ITextNormalizer? _normalizer;
    private readonly IPreTokenizer? _preTokenizer;
    private readonly TemplatePostProcessor _post;

    internal UnigramTokenizer(UnigramModel model, IReadOnlyList<AddedToken> added, ITextNormalizer? normalizer,
        IPreTokenizer? preTokenizer, TemplatePostProcessor post, int padId)
    {
        Model = model;
        AddedTokens = added;
        _splitter = new AddedTokenSplitter(added);
        _normalizer = normalizer;
        _preTokenizer = preTokenizer;
        _post = post;
        PadId = padId;
    }

    public UnigramModel Model { get; }

    public IReadOnlyList<AddedToken> AddedTokens { get; }

    public int PadId { get; }

    /// <summary>Loads <c>tokenizer.json</c> (and the pad token of <c>tokenizer_config.json</c>, if any) from a folder
    /// such as <c>&lt;ckpt&gt;/google/umt5-xxl</c>.</summary>
    public static UnigramTokenizer FromFolder(string folder)
    {
        string json = Path.Combine(folder, "tokenizer.json");
        if (!File.Exists(json))
        {
            string hint = File.Exists(Path.Combine(folder, "spiece.model"))
                ? " It has spiece.model, but the SentencePiece protobuf is not read here; tokenizer.json is needed."
                : "";
            throw new FileNotFoundException(
                $"No tokenizer.json in '{folder}'.{hint} It ships with google/umt5-xxl on Hugging Face and in the " +
                "Wan2.2-S2V-14B checkpoint under google/umt5-xxl; copy it into this folder.", json);
        }
        return FromFile(json, ReadPadToken(Path.Combine(folder, "tokenizer_config.json")));
    }

    public static UnigramTokenizer FromFile(string tokenizerJsonPath, string? padToken = null) =>
        FromJson(File.ReadAllText(tokenizerJsonPath), padToken);

    public static UnigramTokenizer FromJson(string json, string? padToken = null) => TokenizerJsonReader.Read(json, padToken);

    /// <summary>Ids with the template's special tokens (&lt;/s&gt;), no padding; truncated to <paramref name="maxLength"/>
    /// keeping the special tokens, as tokenizers' truncation does.</summary>
    public List<int> EncodeUnpadded(string text, int? maxLength = null)
    {
        var ids = TokenizeToIds(text);
        if (maxLength is { } max)
        {
            if (max < _post.AddedCount)
                throw new ArgumentOutOfRangeException(nameof(maxLength), $"maxLength {max} leaves no room for the {_post.AddedCount} special tokens.");
            if (ids.Count > max - _post.AddedCount) ids.RemoveRange(max - _post.AddedCount, ids.Count - (max - _post.AddedCount));
        }
        return _post.Apply(ids);
    }

    /// <summary>Ids padded with <see cref="PadId"/> to exactly <paramref name="maxLength"/>, and the attention mask.</summary>
    public TokenizedText Encode(string text, int maxLength = 512)
    {
        var ids = EncodeUnpadded(text, maxLength);
        var padded = new int[maxLength];
        var mask = new int[maxLength];
        Array.Fill(padded, PadId);
        ids.CopyTo(padded);
        Array.Fill(mask, 1, 0, ids.Count);
        return new TokenizedText(padded, mask);
    }

    /// <summary>The pieces of <paramref name="text"/> without special tokens (for comparing with SentencePiece).</summary>
    public List<string> EncodePieces(string text) => [.. TokenizeToIds(text).Select(Model.IdToPiece)];

    private List<int> TokenizeToIds(string text)
    {
        var ids = new List<int>();
        var words = new List<Word>();
        foreach (var (segment, addedId, offset) in _splitter.Split(text))
        {
            if (addedId is { } id) { ids.Add(id); continue; }
            string normalized = _normalizer?.Normalize(segment) ?? segment;
            words.Clear();
            var word = new Word(normalized, offset == 0);
            if (_preTokenizer is null) { if (normalized.Length > 0) words.Add(word); }
            else _preTokenizer.Split(word, words);
            foreach (var w in words) Model.Tokenize(w.Text, ids);
        }
        return ids;
    }

    private static string? ReadPadToken(string configPath)
    {
        if (!File.Exists(configPath)) return null;
        using var doc = JsonDocument.Parse(File.ReadAllText(configPath));
        if (!doc.RootElement.TryGetProperty("pad_token", out var pad)) return null;
        return pad.ValueKind switch
        {
            JsonValueKind.String => pad.GetString(),
            JsonValueKind.Object when pad.TryGetProperty("content", out var c) => c.GetString(),
            _ => null,
        };
    }
}
