namespace LiveAvatar.Web.Services;

public sealed partial class JobQueue
{
    private int pausedForLive;

    /// <summary>Whether a live session holds the queue: waiting jobs stay queued until it ends.</summary>
    public bool IsPausedForLive => Volatile.Read(ref pausedForLive) > 0;

    /// <summary>Holds back waiting jobs while a live session uses the device (the running job, if any, finishes
    /// first: the session waits for it). Disposing the handle lets the queue go on.</summary>
    public IDisposable PauseForLive()
    {
        Interlocked.Increment(ref pausedForLive);
        Changed?.Invoke();
        return new LivePause(this);
    }

    private sealed class LivePause(JobQueue queue) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 1) return;
            Interlocked.Decrement(ref queue.pausedForLive);
            queue.signal.Release();
            queue.Changed?.Invoke();
        }
    }
}
