using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using LiveAvatar.Engine.Models.Dit;
using LiveAvatar.Engine.Sampling;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Pipelines.Core;

public sealed partial class PipelineSampler
{
    /// <summary>
    /// One Run's threads and the queues between them: link s carries blocks out of stage s (the last one into the
    /// VAE thread), and every thread reports into the event queue the enumerator reads. The first error stops all
    /// threads through one shared token; Dispose joins them and frees whatever was still in flight.
    /// </summary>
    private sealed partial class PipelineRun : IDisposable
    {
        private readonly PipelineSampler _sampler;
        private readonly SamplerInputs _inputs;
        private readonly ClipGeometry _g;
        private readonly FlowMatchSchedule _schedule;
        private readonly DitRunOptions _options;
        private readonly ISamplerRandomness _random;
        private readonly CancellationToken _userToken;
        private readonly CancellationTokenSource _stop;
        private readonly IReadOnlyList<(int First, int Count)> _ranges;
        private readonly BlockingCollection<BlockWork>[] _links;
        private readonly BlockingCollection<SamplerEvent> _events;
        private readonly TaskCompletionSource<SinkLatents> _sink = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<Tensor> _adaptiveRef = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<Thread> _threads = [];
        private ExceptionDispatchInfo? _error;
        private int _running;

        public PipelineRun(PipelineSampler sampler, SamplerInputs inputs, ClipGeometry g, ISamplerRandomness random, CancellationToken ct)
        {
            _sampler = sampler;
            _inputs = inputs;
            _g = g;
            _schedule = FlowMatchSchedule.Create(inputs.Steps);
            _options = new DitRunOptions(inputs.Norm3Bf16, inputs.MotionFrames, g.LatentMotionFrames);
            _random = random;
            _userToken = ct;
            _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            _ranges = PartitionSteps(inputs.Steps, sampler._stages.Length);
            _links = [.. Enumerable.Range(0, _ranges.Count).Select(_ => new BlockingCollection<BlockWork>(Math.Max(1, sampler.LinkCapacity)))];
            _events = new BlockingCollection<SamplerEvent>(Math.Max(1, sampler.EventCapacity));
        }

        private CancellationToken Token => _stop.Token;
        private int LastStage => _ranges.Count - 1;

        public void Start()
        {
            _running = _ranges.Count + 1;
            _threads.Add(NewThread("liveavatar-tpp-vae", DecodeLoop));
            for (var s = 0; s < _ranges.Count; s++)
            {
                var stage = s;
                _threads.Add(NewThread($"liveavatar-tpp-stage{s}", () => StageLoop(stage)));
            }
            foreach (var t in _threads) t.Start();
        }

        /// <summary>The next event; null when the run is complete. Rethrows a worker's error or the cancellation.</summary>
        public SamplerEvent? Next()
        {
            // Once stopped, queued events are dropped: clips finished after a cancel are not handed out.
            if (!Token.IsCancellationRequested)
            {
                try
                {
                    if (_events.TryTake(out var e, Timeout.Infinite, Token)) return e;
                }
                catch (OperationCanceledException)
                {
                }
            }
            _error?.Throw();
            _userToken.ThrowIfCancellationRequested();
            // Completion without an error: every thread finished normally.
            return null;
        }

        private Thread NewThread(string name, Action body) => new(() => Guard(body)) { IsBackground = true, Name = name };

        private void Guard(Action body)
        {
            try
            {
                // Grad mode is per thread in libtorch.
                body();
            }
            catch (OperationCanceledException) when (Token.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(e), null);
                _stop.Cancel();
            }
            finally
            {
                if (Interlocked.Decrement(ref _running) == 0) _events.CompleteAdding();
            }
        }

        private void Report(SamplerEvent e)
        {
            try
            {
                _events.Add(e, Token);
            }
            catch
            {
                DisposeTensors(e);
                throw;
            }
        }

        // Events that were never handed out still own their tensors.
        private static void DisposeTensors(SamplerEvent e)
        {
            switch (e)
            {
                case SamplerClip c:
                    c.Latents.Dispose();
                    c.Video.Dispose();
                    break;
                case SamplerBlock b:
                    b.Video.Dispose();
                    break;
            }
        }

        private void Send(int link, BlockWork work)
        {
            try
            {
                _links[link].Add(work, Token);
            }
            catch
            {
                work.Dispose();
                throw;
            }
        }

        private BlockWork Receive(int link, int clip, int block)
        {
            var work = _links[link].Take(Token);
            if (work.Clip != clip || work.Block != block)
            {
                work.Dispose();
                throw new InvalidOperationException($"pipeline order broken: expected clip {clip} block {block}, got clip {work.Clip} block {work.Block}");
            }
            return work;
        }

        public void Dispose()
        {
            _stop.Cancel();
            foreach (var t in _threads) t.Join();
            foreach (var link in _links)
            {
                while (link.TryTake(out var w)) w.Dispose();
                link.Dispose();
            }
            while (_events.TryTake(out var e)) DisposeTensors(e);
            _events.Dispose();
            if (_sink.Task.IsCompletedSuccessfully) _sink.Task.Result.Dispose();
            if (_adaptiveRef.Task.IsCompletedSuccessfully) _adaptiveRef.Task.Result.Dispose();
            _stop.Dispose();
        }
    }

    /// <summary>A block on its way through the stages: its latents [16, 3, h, w] (owned) and the Rolling-RoPE
    /// offsets of its steps, drawn up front so the draw order is (clip, block, step) whatever the threads do.</summary>
    private sealed class BlockWork(int clip, int block, Tensor latents, int[] rollingOffsets) : IDisposable
    {
        public int Clip { get; } = clip;
        public int Block { get; } = block;
        public int[] RollingOffsets { get; } = rollingOffsets;
        public Tensor Latents { get; private set; } = latents;

        public void Replace(Tensor next)
        {
            Latents.Dispose();
            Latents = next;
        }

        /// <summary>The block's own audio [S, layers, A, 12] when it arrives live (owned; replacing disposes the old).</summary>
        public Tensor? Audio
        {
            get => _audio;
            set
            {
                if (!ReferenceEquals(_audio, value)) _audio?.Dispose();
                _audio = value;
            }
        }

        private Tensor? _audio;

        public void Dispose()
        {
            Latents.Dispose();
            _audio?.Dispose();
        }
    }

    /// <summary>The sink inputs every stage prefills with: the one-frame reference latent [16, 1, h, w] and the
    /// motion latents [16, Tm, h, w] of the reference repeated motion_frames times.</summary>
    private sealed record SinkLatents(Tensor RefLatent, Tensor Motion) : IDisposable
    {
        public void Dispose()
        {
            RefLatent.Dispose();
            Motion.Dispose();
        }
    }
}
