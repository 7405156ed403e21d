using LiveAvatar.Engine.Models.Dit;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Pipelines.Core;

public sealed partial class PipelineSampler
{
    private sealed partial class PipelineRun
    {
        // One DiT stage (a DiT rank of the original): its own rings and sink cache on its device. Stage 0 draws
        // the noise and the rolling offsets; every other stage receives blocks from the stage before it.
        private void StageLoop(int s)
        {
            var (dit, device) = _sampler._stages[s];
            var (first, count) = _ranges[s];
            // One ring per step this stage runs and its own sink cache; the rings in host memory when asked for.
            using var caches = new StepCaches(dit, _g, count, branches: 1, device, _sampler._dtype, _sampler.OffloadKvCache, _sampler.HostRings,
                _ranges.Count == 1 ? _sampler.KvBudgetBytes : null, _sampler.KvRingFormat);
            if (s == 0)
            {
                _sampler.KvRings = (caches.GpuRings, caches.TotalRings);
                _sampler.KvRingTails = caches.TailRings;
            }
            Tensor? noise = null;
            try
            {
                for (var r = 0; r < _inputs.Clips; r++)
                {
                    if (s == 0) noise = DrawNoise(r, device);
                    for (var b = 0; b < _g.Blocks; b++)
                    {
                        Token.ThrowIfCancellationRequested();
                        var work = s == 0 ? NewBlock(noise!, r, b) : Receive(s - 1, r, b);
                        if (s == 0 && b == _g.Blocks - 1)
                        {
                            // Freed as soon as the clip's last block exists, so a stage 0 waiting for the next
                            // clip holds nothing.
                            noise!.Dispose();
                            noise = null;
                        }
                        try
                        {
                            if (b == 0 && r <= 1) Prefill(dit, caches.Cond(0), r);
                            for (var i = first; i < first + count; i++)
                            {
                                var timings = s == 0 ? _sampler.Timings : null;
                                timings?.Begin(device);
                                DenoiseStep(dit, caches, work, i - first, i);
                                timings?.End();
                                Report(new SamplerStep(r, b, i));
                            }
                            if (s == LastStage && r == 0 && b == 0 && _inputs.Clips > 1) PublishAdaptiveRef(work.Latents);
                            work.Replace(MoveTo(work.Latents, s == LastStage ? _sampler._vae.Device : _sampler._stages[s + 1].Device));
                            if (work.Audio is { } blockAudio && s != LastStage) work.Audio = MoveTo(blockAudio, _sampler._stages[s + 1].Device);
                        }
                        catch
                        {
                            work.Dispose();
                            throw;
                        }
                        Send(s, work);
                    }
                }
            }
            finally
            {
                noise?.Dispose();
            }
        }

        // noise [16, latT, h, w] of clip r on stage 0's device, in the latents' dtype.
        private Tensor DrawNoise(int r, Device device)
        {
            using var scope = torch.NewDisposeScope();
            long[] shape = [_sampler._stages[0].Dit.Config.InDim, _g.LatentFrames, _g.LatentH, _g.LatentW];
            var drawn = _random.Noise(r, shape);
            if (!drawn.shape.SequenceEqual(shape))
            {
                drawn.Dispose();
                throw new InvalidOperationException($"noise of clip {r} is {Shapes.Describe(drawn.shape)}, expected {Shapes.Describe(shape)}");
            }
            var noise = drawn.to(_sampler._dtype, device).DetachFromDisposeScope();
            drawn.Dispose();
            return noise;
        }

        private BlockWork NewBlock(Tensor noise, int r, int b)
        {
            var offsets = new int[_schedule.Steps];
            for (var i = 0; i < offsets.Length; i++) offsets[i] = _random.NextRollingOffset();
            using var scope = torch.NewDisposeScope();
            var latents = noise.narrow(1, b * ClipGeometry.FramesPerBlock, ClipGeometry.FramesPerBlock).clone().DetachFromDisposeScope();
            if (_inputs.BlockAudio is not { } source) return new BlockWork(r, b, latents, offsets);
            try
            {
                // Asked for after the noise and offsets are drawn, so the random stream is the same as the batch path's.
                var audio = source(r, b, Token);
                var moved = audio.to(_inputs.AudioEmbedding.dtype, noise.device).DetachFromDisposeScope();
                if (!ReferenceEquals(moved, audio)) audio.Dispose();
                return new BlockWork(r, b, latents, offsets) { Audio = moved };
            }
            catch
            {
                latents.Dispose();
                throw;
            }
        }

        // Sink prefill at clip 0 with the one-frame ref latent and at clip 1 with the first clean latent (the
        // adaptive sink; waiting for it is the original's pipeline drain). Motion latents never change in TPP.
        private void Prefill(CausalWanModelS2V dit, DitCondCache cond, int r)
        {
            _sink.Task.Wait(Token);
            var sink = _sink.Task.Result;
            var refLatent = r == 0 ? sink.RefLatent : WaitAdaptiveRef();
            using var scope = torch.NewDisposeScope();
            dit.Prefill(new DitSinkInput(refLatent, sink.Motion, _inputs.Context), cond, _options);
        }

        private Tensor WaitAdaptiveRef()
        {
            _adaptiveRef.Task.Wait(Token);
            return _adaptiveRef.Task.Result;
        }

        private void PublishAdaptiveRef(Tensor block)
        {
            using var scope = torch.NewDisposeScope();
            var first = block.narrow(1, 0, 1).clone().DetachFromDisposeScope();               // [16, 1, h, w]
            _adaptiveRef.SetResult(first);
        }

        // One DiT call and Euler step of block (r, b) at global step i, with the stage's ring for that step.
        private void DenoiseStep(CausalWanModelS2V dit, StepCaches caches, BlockWork work, int ring, int i)
        {
            using var scope = torch.NewDisposeScope();
            var (r, b) = (work.Clip, work.Block);
            var audio = work.Audio ?? _inputs.AudioEmbedding.narrow(3, (long)r * _inputs.InferFrames + b * _g.BlockVideoFrames, _g.BlockVideoFrames);
            var currentStart = _g.BlockStartFrame(r, b) * _g.FrameSeqLen;
            var input = _inputs.BlockInput(work.Latents, _schedule.Timesteps[i], audio, currentStart, work.RollingOffsets[i], r, b);
            var rows = caches.Acquire(0, ring, currentStart, (int)work.Latents.shape[1] * _g.FrameSeqLen);
            var v = dit.Forward(input, rows, caches.Cond(0), _options);                    // [16, 3, h, w]
            work.Replace(_schedule.Step(work.Latents, v, i).DetachFromDisposeScope());
        }

        private static Tensor MoveTo(Tensor latents, Device device)
        {
            using var scope = torch.NewDisposeScope();
            return latents.to(device).DetachFromDisposeScope();
        }
    }
}
