using System.Text.RegularExpressions;

namespace LiveAvatar.Web.Services;

/// <summary>Error text as a client may see it: no memory addresses (ffmpeg's "[mp3 @ 0x55d0…]") and no absolute
/// server paths, which tell an attacker about the machine and nothing useful to the person who uploaded.</summary>
public static partial class ErrorText
{
    public static string ForClient(string message, DataFolders? folders = null)
    {
        string text = message;
        if (folders is not null)
        {
            text = text.Replace(folders.Uploads + Path.DirectorySeparatorChar, "uploads/")
                       .Replace(folders.Jobs + Path.DirectorySeparatorChar, "jobs/")
                       .Replace(folders.Root, "data");
        }
        text = Address().Replace(text, "");
        text = AbsolutePath().Replace(text, m => m.Groups["pre"].Value + Path.GetFileName(m.Groups["path"].Value.TrimEnd('/')));
        return text;
    }

    // " @ 0x55d0c3a1b2c0" inside ffmpeg's "[mp3 @ 0x…]" prefixes, and bare 0x… pointers.
    [GeneratedRegex(@"\s*@\s*0x[0-9a-fA-F]+|\b0x[0-9a-fA-F]{6,}\b")]
    private static partial Regex Address();

    // A path of two or more segments starting at '/', kept to its file name.
    [GeneratedRegex(@"(?<pre>^|[\s'""(=:])(?<path>/(?:[^\s'""/:]+/)+[^\s'""/:,;)]*)")]
    private static partial Regex AbsolutePath();
}
