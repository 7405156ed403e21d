using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using LiveAvatar.Engine.Models.Dit;
using LiveAvatar.Engine.Media;
using LiveAvatar.Engine.Pipelines;

namespace LiveAvatar.Engine.Live;

/// <summary>
/// A live session on loaded models (spec §5.9's block-wise path, wired up): audio goes into a bounded queue; the
/// block-wise sampler (<see cref="Pipelines.Core.PipelineSampler"/>) asks for each block's audio when it starts the
/// block, and its features are computed then over a sliding window; each decoded block goes with its own samples into
/// one long-lived fMP4 encoder, whose segments come out as <see cref="LiveBlockReady"/>. Three threads: the caller's
/// (audio in, updates out), the sampler's (plus the sampler's own stage and VAE threads), and the encoder task.
/// Every queue between them is bounded, so the session holds at most <see cref="LiveSessionLimits.MaxQueuedAudio"/> of
/// audio, two blocks of frames between sampler and encoder, one clip inside the sampler and 16 updates.
/// </summary>
internal sealed partial class LiveSession : ILiveSession
{
    private const int UpdateCapacity = 16;
    private const int FrameCapacity = 2;

    private readonly ModelSet _models;

    /// <summary>The memory plan's KV saving: the sampler's rings in host memory (see <see cref="PipelineSampler.OffloadKvCache"/>),
    /// or those beyond its peak budget (<see cref="PipelineSampler.KvBudgetBytes"/>).</summary>
    private bool _offloadKvCache;
    private long? _kvBudgetBytes;
    private KvRingFormat _kvRings;
    private readonly LiveSessionRequest _request;
    private readonly LiveSessionLimits _limits;
    private readonly ReferenceImage _image;
    private readonly MediaOptions _media;
    private readonly Action _releaseDevice;
    private readonly LiveAudioQueue _audio;
    private readonly Channel<LiveUpdate> _updates = Channel.CreateBounded<LiveUpdate>(UpdateCapacity);
    private readonly Channel<GeneratedBlock> _frames = Channel.CreateBounded<GeneratedBlock>(FrameCapacity);
    private readonly ConcurrentDictionary<int, (LiveAudioBlock Audio, long TakenAt)> _pending = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly CancellationTokenSource _audioDone = new();
    private readonly object _queueGate = new();
    private Task _run = Task.CompletedTask;
    private int _handedOut;
    private int _received;
    private int _final = -1;
    private bool _behind;
    private bool _full;
    private volatile bool _ended;

    private LiveSession(ModelSet models, LiveSessionRequest request, LiveSessionLimits limits, ReferenceImage image,
        MediaOptions media, Action releaseDevice)
    {
        _models = models;
        _request = request;
        _limits = limits;
        _image = image;
        _media = media;
        _releaseDevice = releaseDevice;
        var capacity = (int)Math.Max(SlidingWindowAudioEncoder.SamplesPerBlock, limits.MaxQueuedAudio.TotalSeconds * AudioTrack.SampleRate);
        _audio = new LiveAudioQueue(capacity, SlidingWindowAudioEncoder.SamplesPerBlock);
    }

    /// <summary>Starts a session that owns the device until it ends; <paramref name="releaseDevice"/> runs once then.</summary>
    public static LiveSession Start(ModelSet models, LiveSessionRequest request, LiveSessionLimits limits, ReferenceImage image,
        MediaOptions media, Action releaseDevice, bool offloadKvCache = false, long? kvBudgetBytes = null,
        KvRingFormat kvRings = KvRingFormat.Compute)
    {
        var session = new LiveSession(models, request, limits, image, media, releaseDevice)
            { _offloadKvCache = offloadKvCache, _kvBudgetBytes = kvBudgetBytes, _kvRings = kvRings };
        session._run = Task.Run(session.RunAsync);
        return session;
    }

    private sealed record GeneratedBlock(int Index, IReadOnlyList<byte[]> Frames, float[] Samples, long ArrivedAt, TimeSpan Generation);

    public async ValueTask WriteAudioAsync(ReadOnlyMemory<byte> pcm16le, CancellationToken cancellationToken = default)
    {
        if (pcm16le.Length % 2 != 0)
            throw new ArgumentException($"PCM must be whole 16-bit samples; got {pcm16le.Length} bytes (an odd count).", nameof(pcm16le));
        if (_ended) throw new InvalidOperationException("The live session has ended; it takes no more audio.");
        var samples = Pcm16.ToFloats(pcm16le.Span);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _abort.Token);
        var write = _audio.WriteAsync(samples, linked.Token);
        if (!write.IsCompleted)
        {
            // The cap is reached: say so before holding the sender back.
            await ReportQueueAsync(linked.Token).ConfigureAwait(false);
            await write.ConfigureAwait(false);
        }
        await ReportQueueAsync(linked.Token).ConfigureAwait(false);
    }

    public void EndAudio() => _audio.Complete();

    public async IAsyncEnumerable<LiveUpdate> ReadUpdatesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var update in _updates.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            yield return update;
    }

    public async ValueTask DisposeAsync()
    {
        _abort.Cancel();
        _audio.Complete();
        try { await _run.ConfigureAwait(false); } catch { /* the reader saw it; disposing only stops */ }
        _abort.Dispose();
        _audioDone.Dispose();
    }

    // Behind when more audio waits than BehindAfter; back on time once a block less waits (no flapping per chunk).
    private async ValueTask ReportQueueAsync(CancellationToken ct)
    {
        var queued = _audio.QueuedSamples / (double)AudioTrack.SampleRate;
        var full = _audio.IsFull;
        LiveBehind? notice = null;
        lock (_queueGate)
        {
            var limit = _limits.BehindAfter.TotalSeconds;
            var behind = _behind ? queued > limit - SlidingWindowAudioEncoder.SamplesPerBlock / (double)AudioTrack.SampleRate : queued > limit;
            behind |= full;
            if (behind != _behind || full != _full)
            {
                (_behind, _full) = (behind, full);
                notice = new LiveBehind(behind, Math.Round(queued, 3), full);
            }
        }
        if (notice is not null) await _updates.Writer.WriteAsync(notice, ct).ConfigureAwait(false);
    }

    private static long Now => Stopwatch.GetTimestamp();
}
