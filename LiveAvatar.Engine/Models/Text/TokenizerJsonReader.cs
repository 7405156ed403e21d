using System.Text.Json;

namespace LiveAvatar.Engine.Models.Text;

/// <summary>Reads the parts of a Hugging Face tokenizer.json that a SentencePiece Unigram export uses.</summary>
internal static class TokenizerJsonReader
{
    public static UnigramTokenizer Read(string json, string? padToken)
    {
        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
        var root = doc.RootElement;
        var model = ReadModel(root.GetProperty("model"));
        var added = root.TryGetProperty("added_tokens", out var a) && a.ValueKind == JsonValueKind.Array
            ? a.EnumerateArray().Select(ReadAddedToken).ToList() : [];
        var normalizer = ReadNormalizer(Optional(root, "normalizer"));
        var preTokenizer = ReadPreTokenizer(Optional(root, "pre_tokenizer"));
        var post = ReadPostProcessor(Optional(root, "post_processor"), model, added);
        int padId = ReadPadId(root, model, added, padToken);
        return new UnigramTokenizer(model, added, normalizer, preTokenizer, post, padId);
    }

    private static JsonElement? Optional(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    private static UnigramModel ReadModel(JsonElement m)
    {
        string type = m.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "";
        if (type != "Unigram") throw new NotSupportedException($"tokenizer.json model type '{type}' is not supported; only Unigram (SentencePiece) is.");
        var vocab = new List<(string, double)>();
        foreach (var entry in m.GetProperty("vocab").EnumerateArray())
            vocab.Add((entry[0].GetString() ?? "", entry[1].GetDouble()));
        int? unkId = Optional(m, "unk_id") is { } u ? u.GetInt32() : null;
        bool byteFallback = Optional(m, "byte_fallback") is { } b && b.GetBoolean();
        return new UnigramModel(vocab, unkId, byteFallback);
    }

    private static AddedToken ReadAddedToken(JsonElement e) => new(
        e.GetProperty("id").GetInt32(), e.GetProperty("content").GetString() ?? "", Flag(e, "special"),
        Flag(e, "single_word"), Flag(e, "lstrip"), Flag(e, "rstrip"), Flag(e, "normalized"));

    private static bool Flag(JsonElement e, string name) => Optional(e, name) is { } v && v.GetBoolean();

    private static ITextNormalizer? ReadNormalizer(JsonElement? element)
    {
        if (element is not { } e) return null;
        string type = e.GetProperty("type").GetString() ?? "";
        return type switch
        {
            "Sequence" => new SequenceNormalizer([.. e.GetProperty("normalizers").EnumerateArray().Select(n => ReadNormalizer(n)!)]),
            "Precompiled" => Optional(e, "precompiled_charsmap") is { } map && map.GetString() is { Length: > 0 } s
                ? new PrecompiledNormalizer(PrecompiledCharsMap.FromBase64(s)) : new SequenceNormalizer([]),
            "Replace" => new ReplaceNormalizer(Pattern(e, "String"), Pattern(e, "Regex"), e.GetProperty("content").GetString() ?? ""),
            "Strip" => new StripNormalizer(Flag(e, "strip_left"), Flag(e, "strip_right")),
            "Prepend" => new PrependNormalizer(e.GetProperty("prepend").GetString() ?? ""),
            "NFC" => new NfcNormalizer(),
            "Lowercase" => new LowercaseNormalizer(),
            _ => throw new NotSupportedException($"tokenizer.json normalizer '{type}' is not supported."),
        };
    }

    private static string? Pattern(JsonElement e, string kind) =>
        e.GetProperty("pattern").TryGetProperty(kind, out var p) ? p.GetString() : null;

    private static IPreTokenizer? ReadPreTokenizer(JsonElement? element)
    {
        if (element is not { } e) return null;
        string type = e.GetProperty("type").GetString() ?? "";
        return type switch
        {
            "Sequence" => new SequencePreTokenizer([.. e.GetProperty("pretokenizers").EnumerateArray().Select(p => ReadPreTokenizer(p)!)]),
            "WhitespaceSplit" => new WhitespaceSplitPreTokenizer(),
            "Metaspace" => new MetaspacePreTokenizer(ReadReplacement(e), ReadPrependScheme(e), Optional(e, "split") is not { } s || s.GetBoolean()),
            _ => throw new NotSupportedException($"tokenizer.json pre_tokenizer '{type}' is not supported."),
        };
    }

    private static char ReadReplacement(JsonElement e)
    {
        string r = Optional(e, "replacement")?.GetString() ?? "\u2581";
        return r.Length == 1 ? r[0] : throw new NotSupportedException($"Metaspace replacement '{r}' is not one UTF-16 unit.");
    }

    // Files written before tokenizers 0.19 carry add_prefix_space instead of prepend_scheme.
    private static PrependScheme ReadPrependScheme(JsonElement e) => Optional(e, "prepend_scheme")?.GetString() switch
    {
        "always" => PrependScheme.Always,
        "first" => PrependScheme.First,
        "never" => PrependScheme.Never,
        null => Optional(e, "add_prefix_space") is { } p && !p.GetBoolean() ? PrependScheme.Never : PrependScheme.Always,
        var other => throw new NotSupportedException($"Metaspace prepend_scheme '{other}' is not supported."),
    };

    private static TemplatePostProcessor ReadPostProcessor(JsonElement? element, UnigramModel model, List<AddedToken> added)
    {
        if (element is not { } e) return TemplatePostProcessor.None;
        string type = e.GetProperty("type").GetString() ?? "";
        if (type != "TemplateProcessing") throw new NotSupportedException($"tokenizer.json post_processor '{type}' is not supported.");
        var items = new List<int[]?>();
        foreach (var item in e.GetProperty("single").EnumerateArray())
        {
            if (item.TryGetProperty("Sequence", out _)) { items.Add(null); continue; }
            string id = item.GetProperty("SpecialToken").GetProperty("id").GetString() ?? "";
            items.Add(Optional(e, "special_tokens") is { } st && st.TryGetProperty(id, out var s)
                ? [.. s.GetProperty("ids").EnumerateArray().Select(x => x.GetInt32())]
                : [LookUp(id, model, added) ?? throw new FormatException($"Template special token '{id}' has no id.")]);
        }
        return new TemplatePostProcessor(items);
    }

    private static int ReadPadId(JsonElement root, UnigramModel model, List<AddedToken> added, string? padToken)
    {
        if (Optional(root, "padding") is { } p && Optional(p, "pad_id") is { } id) return id.GetInt32();
        return LookUp(padToken ?? "<pad>", model, added) ?? 0;
    }

    private static int? LookUp(string token, UnigramModel model, List<AddedToken> added) =>
        added.FirstOrDefault(t => t.Content == token)?.Id ?? model.PieceToId(token);
}
