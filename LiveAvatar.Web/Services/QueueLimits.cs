namespace LiveAvatar.Web.Services;

/// <summary>How much work the queue accepts, so one client (or a script gone wrong) cannot fill it or the disk.</summary>
public sealed record QueueLimits(int MaxPending, int MaxPendingPerClient, long MinFreeDiskBytes)
{
    public static QueueLimits Default { get; } = new(MaxPending: 20, MaxPendingPerClient: 3, MinFreeDiskBytes: 1024 * UploadLimits.MiB);
}
