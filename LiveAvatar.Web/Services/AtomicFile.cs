namespace LiveAvatar.Web.Services;

/// <summary>Writes a file so that readers see the old content or the new one, never a torn one: the bytes go to
/// a temporary sibling (swept at start-up if a crash leaves it) which then replaces the target in one rename.</summary>
public static class AtomicFile
{
    public const string TempSuffix = ".tmp";

    public static void WriteAllText(string path, string text) => Replace(path, temp => File.WriteAllText(temp, text));

    public static Task WriteAllBytesAsync(string path, byte[] bytes, CancellationToken ct = default) =>
        ReplaceAsync(path, temp => File.WriteAllBytesAsync(temp, bytes, ct));

    public static Task WriteAllTextAsync(string path, string text, CancellationToken ct = default) =>
        ReplaceAsync(path, temp => File.WriteAllTextAsync(temp, text, ct));

    private static void Replace(string path, Action<string> write) =>
        ReplaceAsync(path, temp => { write(temp); return Task.CompletedTask; }).GetAwaiter().GetResult();

    // The one write-then-rename: the temporary is removed whether or not the rename happened.
    private static async Task ReplaceAsync(string path, Func<string, Task> write)
    {
        string temp = TempPath(path);
        try
        {
            await write(temp);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    // Unique per write, so two writers of one file never share a temporary.
    private static string TempPath(string path) => $"{path}.{Guid.NewGuid():N}{TempSuffix}";

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
