namespace LiveAvatar.Engine.Media;

/// <summary>Checks done before any tool runs, so the common mistakes get a plain message rather than ffmpeg's.</summary>
public static class InputFile
{
    /// <summary>Throws a <see cref="MediaException"/> naming <paramref name="role"/> ("image", "audio").</summary>
    public static void EnsureReadable(string path, string role)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new MediaException($"No {role} file was given.");
        if (Directory.Exists(path)) throw new MediaException($"The {role} path '{path}' is a directory, not a file.");
        if (!File.Exists(path)) throw new MediaException($"The {role} file '{path}' does not exist.");
        long length;
        try
        {
            // Opening proves readability for any user; permission bits alone would mislead when running as root.
            using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            length = s.Length;
        }
        catch (UnauthorizedAccessException)
        {
            throw new MediaException($"The {role} file '{path}' cannot be read (permission denied).");
        }
        catch (IOException e)
        {
            throw new MediaException($"The {role} file '{path}' cannot be read: {e.Message}", e);
        }
        if (length == 0) throw new MediaException($"The {role} file '{path}' is empty (0 bytes).");
    }

    /// <summary>
    /// The path as ffmpeg gets it from FFMpegCore (inside double quotes): absolute, so a name starting with '-' is
    /// never an option and one containing ':' never a protocol. A double quote cannot be passed through that quoting.
    /// </summary>
    internal static string ForFfmpeg(string path, string role)
    {
        var full = Path.GetFullPath(path);
        if (full.Contains('"'))
            throw new MediaException($"The {role} file name '{path}' contains a double quote (\"), which ffmpeg cannot be given; rename the file.");
        return full;
    }
}
