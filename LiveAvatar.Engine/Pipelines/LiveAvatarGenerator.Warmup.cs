using LiveAvatar.Engine.Models.Dit;
using LiveAvatar.Engine.Generation;
using LiveAvatar.Engine.Media;
using LiveAvatar.Engine.Pipelines.Core;
using TorchSharp;

namespace LiveAvatar.Engine.Pipelines;

public sealed partial class LiveAvatarGenerator
{
    /// <summary>
    /// Pins, before the first job, the host-memory KV rings a default job (704*384 landscape, 48 frames, 4 steps) will
    /// stream under the memory plan: all of them in the 24 GB profile, those beyond the 70 GiB peak in the 80 GB one
    /// and beyond the 48 GB one's peak in that. Pinning takes about half a second per GiB, so without this the first job after start-up spends 5–35 s
    /// before its first block; the model set keeps the rings for every job of that ring size (portrait or landscape).
    /// Returns the rings now kept (0 on the CPU, for multi-GPU plans, or where everything stays on the GPU).
    /// </summary>
    public int PrepareHostRings()
    {
        var plan = PlanMemory(null);
        var models = EnsureLoaded(null, plan);
        var device = models.Options.Device;
        if (device.type != DeviceType.CUDA || models.DitStages.Count > 1) return 0;
        var (h, w) = GenerationSize.Compute(384, 704, GenerationSize.MaxArea(GenerationDefaults.Size));
        var g = new ClipGeometry(GenerationDefaults.InferFrames, SamplerInputs.DefaultMotionFrames, h / 8, w / 8);
        var dit = models.Dit;
        var steps = GenerationDefaults.SampleSteps;
        var tokens = g.LatentFrames * dit.FrameSeqLen(g.LatentH, g.LatentW);
        // The job's sink cache is allocated before the placement looks, so count it as coming.
        var sinkBytes = DitCondCache.BytesFor(dit.Config, dit.Config.CondLength(g.LatentH, g.LatentW), models.Options.DType);
        var onHost = plan.KvOnHost ? steps
            : plan.KvBudgetBytes is { } budget ? steps - StepCaches.RingsOnDevice(dit, tokens, StepCaches.TailRowsFor(dit, g, plan.KvRingFormat), steps, device,
                models.Options.DType, budget, plan.KvRingFormat, sinkBytes).Rings
            : 0;
        if (onHost > 0) models.HostRings.Prewarm(dit, g, models.Options.DType, pinned: true, onHost, plan.KvRingFormat);
        return onHost;
    }

    /// <summary>
    /// Lets cuDNN time the VAE's convolutions at the default size (704*384, landscape and portrait) before the first
    /// job, which would otherwise spend 1–3 s of its first block on it (<see cref="Models.Vae.Wan21Vae.Warm"/>).
    /// Returns whether anything ran (not on the CPU).
    /// </summary>
    public bool WarmVae()
    {
        var models = EnsureLoaded(null, PlanMemory(null));
        if (models.Vae.Device.type != DeviceType.CUDA) return false;
        var (h, w) = GenerationSize.Compute(384, 704, GenerationSize.MaxArea(GenerationDefaults.Size));
        models.Vae.Warm(h, w);
        models.Vae.Warm(w, h);
        return true;
    }
}
