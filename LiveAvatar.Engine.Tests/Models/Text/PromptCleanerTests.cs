using LiveAvatar.Engine.Models.Text;

using Xunit;

namespace LiveAvatar.Engine.Tests.Models.Text;

public class PromptCleanerTests
{
    // Expected values printed by CPython 3.11's html.unescape.
    [Theory]
    [InlineData("&amp", "&")]
    [InlineData("&ampx", "&x")]
    [InlineData("&notit;", "\u00ACit;")]
    [InlineData("&notin;", "\u2209")]
    [InlineData("&#x80;", "\u20AC")]
    [InlineData("&#0;", "\uFFFD")]
    [InlineData("&#1;", "")]
    [InlineData("&#xD800;", "\uFFFD")]
    [InlineData("&#99999999999;", "\uFFFD")]
    [InlineData("&#65", "A")]
    [InlineData("&#x41;B", "AB")]
    [InlineData("&bogus;", "&bogus;")]
    [InlineData("&AMP;", "&")]
    [InlineData("&lt&gt", "<>")]
    [InlineData("a & b", "a & b")]
    [InlineData("&#13;", "\r")]
    [InlineData("&#x9F;", "\u0178")]
    public void Html_unescape_follows_python(string input, string expected)
    {
        Assert.Equal(expected, PythonHtml.Unescape(input));
    }

    [Fact]
    public void Ftfy_html_unescape_is_skipped_on_a_line_with_a_tag_but_the_two_python_passes_still_run()
    {
        // With '<' present ftfy leaves "&amp;amp;" alone, so html.unescape twice leaves one "&"; the all-caps
        // "&EACUTE;" is an ftfy-only spelling and survives because ftfy did not run its unescape.
        Assert.Equal("<b> & &EACUTE;", PromptCleaner.Clean("<b> &amp;amp; &EACUTE;"));
        Assert.Equal("\u00C9 &", PromptCleaner.Clean("&EACUTE; &amp;amp;amp;"));
    }

    [Fact]
    public void Whitespace_runs_collapse_but_zero_width_space_is_kept()
    {
        Assert.Equal("a b\u200Bc d", PromptCleaner.Clean(" \u3000a\t\u00A0b\u200Bc\u2028\u2029d\u001F "));
    }

    [Fact]
    public void Ligatures_quotes_widths_and_controls_are_fixed_and_text_is_composed()
    {
        Assert.Equal("ffi \"x\" 'y' AB caf\u00E9 \uAC01=\uAC01", PromptCleaner.Clean("\uFB03 \u201Cx\u201D \u2018y\u2019 \uFF21\uFF22 cafe\u0301\u0007 \u1100\u1161\u11A8=\uAC01"));
    }

    [Fact]
    public void Windows_1252_mojibake_of_a_whole_line_is_redecoded_but_plain_latin_1_text_is_kept()
    {
        Assert.Equal("caf\u00E9 don't", PromptCleaner.Clean("caf\u00C3\u00A9 don\u00E2\u20AC\u2122t"));
        Assert.Equal("\u00DCn\u00EFc\u00F6d\u00E9 \u00C0\u00C9", PromptCleaner.Clean("\u00DCn\u00EFc\u00F6d\u00E9 \u00C0\u00C9"));
    }
}
