using LiveAvatar.Engine.Models.Text;

using Xunit;

namespace LiveAvatar.Engine.Tests.Models.Text;

public class UnigramTokenizerGoldenTests
{
    private static readonly Lazy<UnigramTokenizer> Tokenizer = new(() => UnigramTokenizer.FromFolder(TokenizerGolden.Folder));

    [Theory]
    [MemberData(nameof(TokenizerGolden.CaseIndices), MemberType = typeof(TokenizerGolden))]
    public void Hf_ids_with_eos_match_the_reference_for_the_cleaned_text(int index)
    {
        var c = TokenizerGolden.Cases[index];

        var ids = Tokenizer.Value.EncodeUnpadded(c.WanCleaned);

        Assert.Equal(c.HfIdsWithEos, ids);
    }

    [Theory]
    [MemberData(nameof(TokenizerGolden.CaseIndices), MemberType = typeof(TokenizerGolden))]
    public void Pieces_match_sentencepiece_for_the_cleaned_text(int index)
    {
        var c = TokenizerGolden.Cases[index];

        var pieces = Tokenizer.Value.EncodePieces(c.WanCleaned);

        Assert.Equal(c.SpmPieces, pieces);
    }

    [Theory]
    [MemberData(nameof(TokenizerGolden.CaseIndices), MemberType = typeof(TokenizerGolden))]
    public void Wrapper_ids_and_mask_at_length_32_match_the_reference_for_the_cleaned_text(int index)
    {
        var c = TokenizerGolden.Cases[index];

        var encoded = Tokenizer.Value.Encode(c.WanCleaned, maxLength: 32);

        Assert.Equal(c.WanIds32, encoded.Ids);
        Assert.Equal(c.WanMask32, encoded.AttentionMask);
    }

    // Cases whose cleaning is known to differ (PromptCleanerGoldenTests.KnownFtfyDifferences) are left out here.
    public static IEnumerable<object[]> CasesWithReproducedCleaning =>
        TokenizerGolden.CaseIndices.Where(i => !PromptCleanerGoldenTests.KnownFtfyDifferences.ContainsKey((int)i[0]));

    [Theory]
    [MemberData(nameof(CasesWithReproducedCleaning))]
    public void Wrapper_ids_and_mask_match_end_to_end_from_the_raw_prompt(int index)
    {
        var c = TokenizerGolden.Cases[index];
        var wan = new WanTextTokenizer(Tokenizer.Value, sequenceLength: 32);

        var encoded = wan.Encode(c.Raw);

        Assert.Equal(c.WanIds32, encoded.Ids);
        Assert.Equal(c.WanMask32, encoded.AttentionMask);
    }

    [Fact]
    public void The_cases_agree_with_the_tensors_in_ids_safetensors()
    {
        var ids = TokenizerGolden.ReadInt64Matrix("wan_ids");
        var mask = TokenizerGolden.ReadInt64Matrix("wan_mask");

        Assert.Equal(TokenizerGolden.Cases.Select(c => c.WanIds32), ids);
        Assert.Equal(TokenizerGolden.Cases.Select(c => c.WanMask32), mask);
    }

    [Fact]
    public void Truncation_keeps_length_minus_one_pieces_then_eos()
    {
        var c = TokenizerGolden.Cases.MaxBy(x => x.HfIdsWithEos.Length)!;

        var encoded = Tokenizer.Value.Encode(c.WanCleaned, maxLength: 32);

        Assert.Equal(c.HfIdsWithEos[..31].Append(1), encoded.Ids);
        Assert.Equal(32, encoded.Length);
    }

    [Fact]
    public void A_literal_special_token_in_the_text_becomes_its_id()
    {
        var ids = Tokenizer.Value.EncodeUnpadded("hello</s>world");

        Assert.Equal(1, ids[^1]);
        Assert.Equal(2, ids.Count(id => id == 1));
    }
}
