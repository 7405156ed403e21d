using LiveAvatar.Web.Services;

namespace LiveAvatar.Web.Tests.Hardening;

public class TextSanitizerTests
{
    [Fact]
    public void A_right_to_left_override_cannot_disguise_a_file_name()
    {
        string spoofed = "invoice\u202Egnp.exe";

        Assert.Equal("invoicegnp.exe", TextSanitizer.SingleLine(spoofed, 80));
    }

    [Theory]
    [InlineData("a\u2066b\u2069c\u200Fd\u061Ce", "abcde")]
    [InlineData("line\u0000one\u0007\u001Btwo", "line one two")]
    [InlineData("tab\there\r\nnext", "tab here next")]
    public void Bidi_controls_vanish_and_other_control_characters_become_single_spaces(string input, string expected) =>
        Assert.Equal(expected, TextSanitizer.SingleLine(input, 80));

    [Fact]
    public void A_prompt_keeps_its_line_breaks_but_loses_controls()
    {
        Assert.Equal("first line\nsecond line", TextSanitizer.MultiLine("first\u0008 line\r\nsecond\u202D line", 1000));
    }

    [Fact]
    public void Cutting_never_splits_an_emoji_or_a_combined_character()
    {
        string family = "\U0001F468\u200D\U0001F469\u200D\U0001F467"; // one grapheme of 8 UTF-16 units
        string text = new string('a', 79) + family + "tail";

        string cut = TextSanitizer.SingleLine(text, 80);

        Assert.Equal(new string('a', 79) + family, cut);
        Assert.Equal("e\u0301", TextSanitizer.Cut("e\u0301x", 1)); // é as e + combining acute stays whole
    }

    [Fact]
    public void Stored_upload_names_are_cleaned_and_cut_to_80_whole_characters()
    {
        string name = UploadStore.DisplayName("C:\\fakepath\\" + new string('x', 100) + "\u202E.wav");

        Assert.Equal(80, TextSanitizer.CharacterCount(name));
        Assert.DoesNotContain('\u202E', name);
        Assert.DoesNotContain('\\', name);
    }
}
