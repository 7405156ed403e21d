namespace LiveAvatar.Web.Services;

/// <summary>
/// The LoRA files a job may use: regular, non-empty weight files under the folder that holds the checkpoint (ckpt/,
/// where LiveAvatar/liveavatar.safetensors sits beside Wan2.2-S2V-14B/). Clients pick a name from this list; no
/// path they type reaches the file system, so nothing else on the server can be probed, and a FIFO or device can
/// never be opened (it is not a regular file with content).
/// </summary>
public sealed class LoraCatalog(string checkpointDirectory)
{
    public const string DefaultName = "LiveAvatar/liveavatar.safetensors";
    private const int MaxDepth = 3;
    private static readonly string[] Extensions = [".safetensors", ".pt", ".pth"];

    private readonly string checkpoint = Path.GetFullPath(checkpointDirectory).TrimEnd(Path.DirectorySeparatorChar);

    /// <summary>ckpt/: the checkpoint's parent folder.</summary>
    public string Root => Path.GetDirectoryName(checkpoint) ?? checkpoint;

    /// <summary>Names relative to <see cref="Root"/> with '/' separators, sorted; the default first when present.</summary>
    public IReadOnlyList<string> Names
    {
        get
        {
            var names = new List<string>();
            Collect(new DirectoryInfo(Root), 0, names);
            return names.OrderBy(n => n == DefaultName ? 0 : 1).ThenBy(n => n, StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>The file for a listed name, or null when the name is not in the list.</summary>
    public string? Resolve(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        return Names.Contains(name, StringComparer.Ordinal) ? Path.Combine(Root, name.Replace('/', Path.DirectorySeparatorChar)) : null;
    }

    public long SizeOf(string name) => Resolve(name) is { } path ? new FileInfo(path).Length : 0;

    private void Collect(DirectoryInfo dir, int depth, List<string> names)
    {
        IEnumerable<FileSystemInfo> entries;
        try
        {
            if (!dir.Exists) return;
            entries = dir.EnumerateFileSystemInfos().ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
        foreach (var entry in entries)
        {
            // Symbolic links are skipped: one could point anywhere on the machine.
            if (entry.LinkTarget is not null) continue;
            if (entry is DirectoryInfo sub)
            {
                // The base model's own shards are not LoRAs.
                if (depth < MaxDepth && !string.Equals(sub.FullName.TrimEnd(Path.DirectorySeparatorChar), checkpoint, StringComparison.Ordinal))
                    Collect(sub, depth + 1, names);
            }
            else if (entry is FileInfo file && file.Length > 0 && IsWeightFile(file.Name) && IsRegular(file))
            {
                names.Add(Path.GetRelativePath(Root, file.FullName).Replace(Path.DirectorySeparatorChar, '/'));
            }
        }
    }

    private static bool IsWeightFile(string name) => Extensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase));

    /// <summary>FIFOs, sockets and devices report no size on Linux (excluded above); this also refuses anything
    /// .NET marks as a device or other special entry.</summary>
    private static bool IsRegular(FileInfo file) =>
        (file.Attributes & (FileAttributes.Device | FileAttributes.ReparsePoint | FileAttributes.Directory)) == 0;
}
