using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Pipelines.Core;

public sealed partial class SingleDeviceSampler
{
    /// <summary>What lives for one Run: caches, the sink's reference latent and the motion history.</summary>
    private sealed class RunState : IDisposable
    {
        private RunState(ClipGeometry geometry, StepCaches caches, MotionHistory history, Tensor refLatent)
        {
            Geometry = geometry;
            Caches = caches;
            History = history;
            RefLatent = refLatent;
        }

        public ClipGeometry Geometry { get; }
        public StepCaches Caches { get; }
        public MotionHistory History { get; }

        /// <summary>The sink's reference latent [16, 1, h, w].</summary>
        public Tensor RefLatent { get; private set; }

        // Reference latent: encode the ref repeated 5× and keep latent 1 (a "non-first" latent). Motion latents:
        // the already 5×-repeated ref repeated motion_frames times more (365 frames → 92 latents).
        public static RunState Create(SingleDeviceSampler s, SamplerInputs inputs, ClipGeometry g)
        {
            StepCaches? caches = null;
            MotionHistory? history = null;
            Tensor? refLatent = null;
            try
            {
                using var scope = torch.NewDisposeScope();
                var ref5 = inputs.RefPixels.to(s._vae.DType, s._vae.Device).repeat(1, ClipGeometry.RefRepeat, 1, 1);  // [3, 5, H, W]
                var refEncoded = s._vae.Encode(ref5);                                                        // [16, 2, h, w]
                s.Probe?.Invoke("vae/ref_encode_out", refEncoded);
                refLatent = refEncoded.narrow(1, 1, 1).contiguous().DetachFromDisposeScope();
                history = new MotionHistory(s._vae, g, ref5);
                s.Probe?.Invoke("vae/motion_encode_out", history.Latents);
                caches = new StepCaches(s._dit, g, inputs.Steps, BranchesFor(inputs), s._device, s._dtype, s._offloadKvCache, s.HostRings,
                    s.KvBudgetBytes, s.KvRingFormat);
                return new RunState(g, caches, history, refLatent);
            }
            catch
            {
                caches?.Dispose();
                history?.Dispose();
                refLatent?.Dispose();
                throw;
            }
        }

        /// <summary>Adaptive sink: takes ownership of <paramref name="latent"/>.</summary>
        public void ReplaceRef(Tensor latent)
        {
            latent.DetachFromDisposeScope();
            RefLatent.Dispose();
            RefLatent = latent;
        }

        public void Dispose()
        {
            Caches.Dispose();
            History.Dispose();
            RefLatent.Dispose();
        }
    }

    /// <summary>A clip's noise and its clean output [16, latT, h, w].</summary>
    private sealed record ClipLatents(Tensor Noise, Tensor Output) : IDisposable
    {
        public void Dispose()
        {
            Noise.Dispose();
            Output.Dispose();
        }
    }

    /// <summary>Owns the current block latents across steps; each step swaps in the new tensor.</summary>
    private sealed class TensorSlot(Tensor value) : IDisposable
    {
        public Tensor Value { get; private set; } = value;

        public void Replace(Tensor next)
        {
            Value.Dispose();
            Value = next;
        }

        public void Dispose() => Value.Dispose();
    }
}
