using System.Text.Json.Nodes;

namespace LiveAvatar.Tools.Demo;

/// <summary>A small umT5-style tokenizer.json (Unigram, Metaspace, byte fallback, "$A &lt;/s&gt;") for the demo
/// checkpoint: special tokens, 256 byte pieces, printable ASCII and a few hundred common English words.</summary>
internal static class DemoTokenizerJson
{
    private const string Words =
        "a an the and or of in on at to with for from by is are was be this that it its as into over under near " +
        "woman man person girl boy people face head hair eyes mouth smile talks talking speaks speaking sings " +
        "singing looks looking camera studio room kitchen office street stage light bright soft warm clean " +
        "background interior scene audience anchor news host presenter portrait close up shot medium wide " +
        "wearing shirt dress jacket glasses hat red blue green black white gray brown young old happy calm " +
        "natural realistic cinematic style video frame moving hands gesture gestures sitting standing front";

    public static string Build()
    {
        var vocab = new JsonArray();
        void Piece(string p, double score) => vocab.Add(new JsonArray(p, score));
        Piece("<pad>", 0); Piece("</s>", 0); Piece("<unk>", 0);
        for (var b = 0; b < 256; b++) Piece($"<0x{b:X2}>", 0);
        Piece("\u2581", -2.0);
        var seen = new HashSet<string>();
        foreach (var w in Words.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            if (seen.Add(w)) Piece("\u2581" + w, -5.0 - w.Length * 0.01);
        for (var c = 33; c < 127; c++) Piece(((char)c).ToString(), -8.0);
        var special = new JsonArray();
        foreach (var (id, s) in new[] { (0, "<pad>"), (1, "</s>"), (2, "<unk>") })
            special.Add(new JsonObject { ["id"] = id, ["content"] = s, ["single_word"] = false, ["lstrip"] = false,
                ["rstrip"] = false, ["normalized"] = false, ["special"] = true });
        var meta = new JsonObject { ["type"] = "Metaspace", ["replacement"] = "\u2581", ["prepend_scheme"] = "always", ["split"] = true };
        var root = new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = special,
            ["normalizer"] = new JsonObject { ["type"] = "Sequence", ["normalizers"] = new JsonArray(
                new JsonObject { ["type"] = "Replace", ["pattern"] = new JsonObject { ["Regex"] = " {2,}" }, ["content"] = " " }) },
            ["pre_tokenizer"] = meta.DeepClone(),
            ["post_processor"] = new JsonObject
            {
                ["type"] = "TemplateProcessing",
                ["single"] = new JsonArray(
                    new JsonObject { ["Sequence"] = new JsonObject { ["id"] = "A", ["type_id"] = 0 } },
                    new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = "</s>", ["type_id"] = 0 } }),
                ["pair"] = new JsonArray(
                    new JsonObject { ["Sequence"] = new JsonObject { ["id"] = "A", ["type_id"] = 0 } },
                    new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = "</s>", ["type_id"] = 0 } },
                    new JsonObject { ["Sequence"] = new JsonObject { ["id"] = "B", ["type_id"] = 0 } },
                    new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = "</s>", ["type_id"] = 0 } }),
                ["special_tokens"] = new JsonObject
                {
                    ["</s>"] = new JsonObject { ["id"] = "</s>", ["ids"] = new JsonArray(1), ["tokens"] = new JsonArray("</s>") },
                },
            },
            ["decoder"] = meta,
            ["model"] = new JsonObject { ["type"] = "Unigram", ["unk_id"] = 2, ["vocab"] = vocab, ["byte_fallback"] = true },
        };
        return root.ToJsonString();
    }

    public static int VocabSize(string json) => JsonNode.Parse(json)!["model"]!["vocab"]!.AsArray().Count;
}
