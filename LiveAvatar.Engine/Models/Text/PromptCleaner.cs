using System.Text;

namespace LiveAvatar.Engine.Models.Text;

/// <summary>
/// Wan's prompt cleaning before umT5 tokenisation (tokenizers.py, clean='whitespace'):
/// ftfy.fix_text, html.unescape twice, strip, every run of Unicode whitespace to one space, strip.
/// The ftfy step is the partial port in <see cref="FtfyText"/>; see there for what of ftfy is not reproduced.
/// </summary>
public static class PromptCleaner
{
    public static string Clean(string text)
    {
        text = FtfyText.FixText(text);
        text = PythonHtml.Unescape(PythonHtml.Unescape(text));
        text = UnicodeWhitespace.PythonStrip(text);
        return UnicodeWhitespace.PythonStrip(CollapseWhitespace(text));
    }

    // regex.sub(r'\s+', ' ', text) with the regex module, whose \s is Unicode White_Space.
    private static string CollapseWhitespace(string text)
    {
        var sb = new StringBuilder(text.Length);
        bool inRun = false;
        foreach (char c in text)
        {
            if (UnicodeWhitespace.IsWhiteSpace(c)) { if (!inRun) sb.Append(' '); inRun = true; }
            else { sb.Append(c); inRun = false; }
        }
        return sb.ToString();
    }
}
