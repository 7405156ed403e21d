using System.Text.Json;
using LiveAvatar.Engine.Models.Text;

using Xunit;

namespace LiveAvatar.Engine.Tests.Models.Text;

public class PrecompiledCharsMapTokenizerTests
{
    private static readonly Lazy<PrecompiledCharsMap> Map = new(() =>
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TokenizerGolden.Folder, "tokenizer.json")));
        var normalizers = doc.RootElement.GetProperty("normalizer").GetProperty("normalizers");
        var precompiled = normalizers.EnumerateArray().First(n => n.GetProperty("type").GetString() == "Precompiled");
        return PrecompiledCharsMap.FromBase64(precompiled.GetProperty("precompiled_charsmap").GetString()!);
    });

    [Theory]
    [InlineData("\uFF21\uFF22\uFF43", "ABc")]
    [InlineData("\uFB01", "fi")]
    [InlineData("a\tb\nc", "a b c")]
    [InlineData("caf\u00E9", "caf\u00E9")]
    [InlineData("\u00BD", "1\u20442")]
    public void Nmt_nfkc_maps_compatibility_characters_in_both_lookup_modes(string input, string expected)
    {
        Assert.Equal(expected, Map.Value.Normalize(input));
        Assert.Equal(expected, Map.Value.NormalizeLongestMatch(input));
    }

    [Fact]
    public void Nfc_composes_marks_and_hangul_jamo()
    {
        Assert.Equal("\u00E9\u1E69\uAC01", CanonicalTables.ToNfc("e\u0301s\u0323\u0307\u1100\u1161\u11A8"));
        Assert.Equal("\u1E69", CanonicalTables.ToNfc("s\u0307\u0323"));
    }
}
