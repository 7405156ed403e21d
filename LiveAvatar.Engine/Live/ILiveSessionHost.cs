namespace LiveAvatar.Engine.Live;

/// <summary>Starts live sessions on the engine's models. No tensors cross it.</summary>
public interface ILiveSessionHost
{
    /// <summary>The contract's rules for a live request: every problem, keyed by field.</summary>
    IReadOnlyList<GenerationProblem> ValidateLive(LiveSessionRequest request);

    /// <summary>
    /// Waits for the device (a running job finishes first), loads the models if needed and starts a session. The
    /// device stays the session's until it has ended or is disposed. Throws <see cref="GenerationException"/> for a
    /// bad request.
    /// </summary>
    Task<ILiveSession> StartLiveAsync(LiveSessionRequest request, LiveSessionLimits? limits = null, CancellationToken cancellationToken = default);
}

/// <summary>One running live session: audio in, <see cref="LiveUpdate"/>s out.</summary>
public interface ILiveSession : IAsyncDisposable
{
    /// <summary>Queues 16 kHz mono PCM (16-bit little-endian, an even number of bytes). Waits while the queue is at
    /// its cap, so a sender faster than generation is held back instead of losing audio.</summary>
    ValueTask WriteAudioAsync(ReadOnlyMemory<byte> pcm16le, CancellationToken cancellationToken = default);

    /// <summary>No more audio: the rest is generated (the last block padded with silence), then the recording is
    /// written and the updates end with <see cref="LiveEnded"/>.</summary>
    void EndAudio();

    /// <summary>The session's updates, in order, until <see cref="LiveEnded"/>; a failure ends them with its exception.</summary>
    IAsyncEnumerable<LiveUpdate> ReadUpdatesAsync(CancellationToken cancellationToken = default);
}
