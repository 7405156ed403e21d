using System.Diagnostics;

namespace LiveAvatar.Engine.Live;

/// <summary>One block of live audio as the generator takes it: its samples (the last block of a session padded with
/// silence) and when its last real sample arrived, the start of that block's latency.</summary>
public sealed record LiveAudioBlock(int Index, float[] Samples, int RealSamples, long ArrivedAt);

/// <summary>
/// The audio a live session has received and not yet generated: 16 kHz mono samples in arrival order, at most
/// <see cref="CapacitySamples"/> of them. A writer that would exceed the cap waits (the WebSocket is then not read,
/// so the client sees its send buffer grow): nothing is ever dropped. The generator takes whole blocks and waits
/// for them; after <see cref="Complete"/> the remainder comes out as one last block padded with silence.
/// </summary>
public sealed class LiveAudioQueue(int capacitySamples, int blockSamples)
{
    private readonly object _gate = new();
    private readonly float[] _ring = new float[Math.Max(capacitySamples, blockSamples)];
    private readonly Queue<(long EndSample, long At)> _arrivals = new();
    private readonly SemaphoreSlim _space = new(0);
    private int _head;
    private int _count;
    private long _received;
    private long _taken;
    private int _blocks;
    private bool _complete;
    private bool _writerWaiting;

    public int CapacitySamples => _ring.Length;
    public int BlockSamples => blockSamples;

    /// <summary>Samples waiting to be generated.</summary>
    public int QueuedSamples { get { lock (_gate) return _count; } }

    /// <summary>Samples received so far.</summary>
    public long ReceivedSamples { get { lock (_gate) return _received; } }

    /// <summary>Whether a writer is waiting for room (the cap is reached).</summary>
    public bool IsFull { get { lock (_gate) return _count == _ring.Length; } }

    /// <summary>Queues samples, waiting for room while the queue is at its cap.</summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<float> samples, CancellationToken ct)
    {
        while (!samples.IsEmpty)
        {
            int written;
            lock (_gate)
            {
                if (_complete) throw new InvalidOperationException("the audio has already ended; no more samples are taken");
                written = Math.Min(samples.Length, _ring.Length - _count);
                for (var i = 0; i < written; i++) _ring[(_head + _count + i) % _ring.Length] = samples.Span[i];
                _count += written;
                _received += written;
                if (written > 0) _arrivals.Enqueue((_received, Stopwatch.GetTimestamp()));
                Monitor.PulseAll(_gate);
            }
            samples = samples[written..];
            if (samples.IsEmpty) break;
            lock (_gate) _writerWaiting = true;
            try
            {
                // The timeout only guards against a missed release; the loop re-checks the room either way.
                await _space.WaitAsync(TimeSpan.FromMilliseconds(100), ct).ConfigureAwait(false);
            }
            finally
            {
                lock (_gate) _writerWaiting = false;
            }
        }
    }

    /// <summary>No more audio: the generator gets the rest as a last, padded block, then null.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _complete = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Waits for the next whole block; null once the audio has ended and every sample was taken.</summary>
    public LiveAudioBlock? Take(CancellationToken ct)
    {
        using var wake = ct.Register(() => { lock (_gate) Monitor.PulseAll(_gate); });
        lock (_gate)
        {
            while (_count < blockSamples && !_complete)
            {
                ct.ThrowIfCancellationRequested();
                Monitor.Wait(_gate);
            }
            ct.ThrowIfCancellationRequested();
            if (_count == 0) return null;
            var real = Math.Min(_count, blockSamples);
            var samples = new float[blockSamples];
            for (var i = 0; i < real; i++) samples[i] = _ring[(_head + i) % _ring.Length];
            _head = (_head + real) % _ring.Length;
            _count -= real;
            _taken += real;
            (long End, long At) last = (0, 0);
            while (_arrivals.Count > 0 && _arrivals.Peek().EndSample <= _taken) last = _arrivals.Dequeue();
            // The block may end inside a chunk: its last sample came with that chunk.
            var at = last.End != _taken && _arrivals.Count > 0 ? _arrivals.Peek().At : last.At;
            if (_writerWaiting) _space.Release();
            return new LiveAudioBlock(_blocks++, samples, real, at);
        }
    }
}
