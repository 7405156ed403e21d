using LiveAvatar.Engine.Live;
using LiveAvatar.Web.Services;

namespace LiveAvatar.Web.Live;

/// <summary>
/// One live session at a time on the one device. A session pauses the job queue (waiting jobs stay queued) and then
/// waits for the running job, if any, to finish: the live user waits at most one job, queued work is never cancelled,
/// and the queue goes on when the session ends.
/// </summary>
public sealed class LiveSessions(ILiveSessionHost? host, JobQueue queue, LiveSessionLimits? limits = null)
{
    private readonly SemaphoreSlim slot = new(1, 1);

    public ILiveSessionHost? Host => host;
    public JobQueue Queue => queue;
    public LiveSessionLimits Limits { get; } = limits ?? LiveSessionLimits.Default;

    /// <summary>Whether a session is on now.</summary>
    public bool IsBusy => slot.CurrentCount == 0;

    /// <summary>Takes the live slot and pauses the queue; null when another session has it.</summary>
    public IDisposable? TryEnter()
    {
        if (!slot.Wait(0)) return null;
        return new Lease(this, queue.PauseForLive());
    }

    private sealed class Lease(LiveSessions owner, IDisposable pause) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 1) return;
            pause.Dispose();
            owner.slot.Release();
        }
    }
}

public static class LiveSessionsLimits
{
    /// <summary>A start message may carry the largest accepted image as base64, plus the other fields.</summary>
    public static int MaxStartMessageBytes(this LiveSessions _, UploadLimits limits) =>
        (int)Math.Min(int.MaxValue, limits.MaxImageBytes * 4 / 3 + 64 * 1024);
}
