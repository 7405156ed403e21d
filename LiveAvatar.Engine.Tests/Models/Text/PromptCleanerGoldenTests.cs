using LiveAvatar.Engine.Models.Text;

using Xunit;

namespace LiveAvatar.Engine.Tests.Models.Text;

public class PromptCleanerGoldenTests
{
    /// <summary>
    /// Fixture cases whose reference cleaning needs ftfy behaviour that FtfyText does not reproduce, with the reason.
    /// Empty: every one of the 32 cases is reproduced (case 16's mojibake is whole-line UTF-8-as-Windows-1252, which
    /// the simple re-decode covers). A case added here must really differ; the test below checks that too.
    /// </summary>
    public static readonly IReadOnlyDictionary<int, string> KnownFtfyDifferences = new Dictionary<int, string>();

    [Theory]
    [MemberData(nameof(TokenizerGolden.CaseIndices), MemberType = typeof(TokenizerGolden))]
    public void Cleaning_the_raw_prompt_gives_the_reference_cleaned_text(int index)
    {
        var c = TokenizerGolden.Cases[index];

        string cleaned = PromptCleaner.Clean(c.Raw);

        if (KnownFtfyDifferences.TryGetValue(index, out string? reason))
            Assert.True(cleaned != c.WanCleaned, $"case {index} is listed as differing ({reason}) but now matches; remove it from the list");
        else
            Assert.Equal(c.WanCleaned, cleaned);
    }
}
