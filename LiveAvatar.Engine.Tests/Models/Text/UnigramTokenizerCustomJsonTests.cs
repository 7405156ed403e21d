using LiveAvatar.Engine.Models.Text;

using Xunit;

namespace LiveAvatar.Engine.Tests.Models.Text;

/// <summary>A hand-made tokenizer.json (no byte fallback, unk not at id 2, a different EOS, legacy Metaspace options),
/// so the reader is shown not to depend on the fixture's layout.</summary>
public class UnigramTokenizerCustomJsonTests
{
    private const string Vocab = """
        [["<pad>", 0.0], ["\u2581ab", -2.0], ["\u2581a", -1.5], ["<unk>", 0.0], ["[EOS]", 0.0], ["b", -1.0],
         ["\u2581", -3.0], ["c", -1.2], ["\u2581abc", -5.0], ["bc", -2.4]]
        """;

    private static string Json(string unkId) => """
        {
          "version": "1.0",
          "added_tokens": [{"id": 4, "content": "[EOS]", "special": true, "normalized": false}],
          "normalizer": {"type": "Replace", "pattern": {"String": "-"}, "content": " "},
          "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "WhitespaceSplit"},
            {"type": "Metaspace", "replacement": "\u2581", "add_prefix_space": true}]},
          "post_processor": {"type": "TemplateProcessing",
            "single": [{"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "[EOS]", "type_id": 0}}],
            "special_tokens": {"[EOS]": {"id": "[EOS]", "ids": [4], "tokens": ["[EOS]"]}}},
          "model": {"type": "Unigram", "unk_id": UNK, "vocab": VOCAB}
        }
        """.Replace("UNK", unkId).Replace("VOCAB", Vocab);

    private static readonly UnigramTokenizer Tokenizer = UnigramTokenizer.FromJson(Json("3"));

    [Fact]
    public void Viterbi_picks_the_best_total_score_not_the_longest_piece()
    {
        // ▁ab + c = -3.2 beats ▁a + b + c = -3.7, ▁a + bc = -3.9 and ▁abc = -5.0.
        Assert.Equal([1, 7, 4], Tokenizer.EncodeUnpadded("abc"));
    }

    [Fact]
    public void Unknown_characters_fuse_into_one_unk_when_byte_fallback_is_off()
    {
        Assert.Equal([1, 6, 3, 6, 7, 4], Tokenizer.EncodeUnpadded("ab  xyz\tc"));
    }

    [Fact]
    public void The_replace_normalizer_and_whitespace_split_shape_the_words()
    {
        Assert.Equal([1, 6, 7, 4], Tokenizer.EncodeUnpadded("ab-c"));
    }

    [Fact]
    public void Padding_uses_the_pad_piece_and_truncation_keeps_the_custom_eos()
    {
        var padded = Tokenizer.Encode("abc", maxLength: 5);
        var truncated = Tokenizer.Encode("ab xyz c", maxLength: 3);

        Assert.Equal([1, 7, 4, 0, 0], padded.Ids);
        Assert.Equal([1, 1, 1, 0, 0], padded.AttentionMask);
        Assert.Equal([1, 6, 4], truncated.Ids);
        Assert.Equal(3, truncated.Length);
    }

    [Fact]
    public void An_unknown_character_without_an_unk_id_is_an_error()
    {
        var noUnk = UnigramTokenizer.FromJson(Json("null"));

        Assert.Equal([1, 4], noUnk.EncodeUnpadded("ab"));
        Assert.Throws<InvalidOperationException>(() => noUnk.EncodeUnpadded("xyz"));
    }
}
