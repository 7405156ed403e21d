namespace LiveAvatar.Web.Services;

/// <summary>Free space in the data folder, and recognising "disk full" in whatever form it reaches us.</summary>
public sealed class DiskSpace(DataFolders folders, long minimumFreeBytes)
{
    // errno ENOSPC on Linux; .NET puts the raw errno in IOException.HResult.
    private const int NoSpaceErrno = 28;

    public const string DiskFullTitle = "Disk full";

    public long MinimumFreeBytes => minimumFreeBytes;

    public long FreeBytes
    {
        get
        {
            try { return new DriveInfo(folders.Root).AvailableFreeSpace; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException) { return long.MaxValue; }
        }
    }

    /// <summary>The reason a new job cannot start, or null when there is room.</summary>
    public string? Shortage()
    {
        long free = FreeBytes;
        return free >= minimumFreeBytes ? null
            : $"{DiskFullTitle}: only {UploadLimits.Format(Math.Max(0, free))} free in the data folder; a job needs at least " +
              $"{UploadLimits.Format(minimumFreeBytes)}. Delete old runs from the history or free space on the disk.";
    }

    public static bool IsDiskFull(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is IOException { HResult: NoSpaceErrno }) return true;
            if (e.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase)) return true;
            if (e.Message.Contains("Disk quota exceeded", StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }
}
