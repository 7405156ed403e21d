namespace LiveAvatar.Web.Services;

/// <summary>How much work the queue accepts, so one client (or a script gone wrong) cannot fill it or the disk.</summary>
public sealed record QueueLimits(int MaxPending, int MaxPendingPerClient, long MinFreeDiskBytes)
{
    /// <summary>Longest prompt in characters. T5 reads 512 tokens; 2000 characters is far past that and stays well
    /// under SignalR's 32 KB message limit even in 4-byte characters.</summary>
    public const int MaxPromptCharacters = 2000;

    public static QueueLimits Default { get; } = new(MaxPending: 20, MaxPendingPerClient: 3, MinFreeDiskBytes: 1024 * UploadLimits.MiB);
}
