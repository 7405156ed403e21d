using LiveAvatar.Engine.Models.Dit;
using LiveAvatar.Engine.Models.Vae;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Pipelines.Core;

/// <summary>
/// The original's timestep-forcing pipeline parallelism (LA: causal_s2v_pipeline_tpp.py) in one process: the
/// denoising steps are split into contiguous ranges over the stages, one OS thread per stage, and every block of
/// 3 latents flows stage 0 → … → last stage → VAE thread, so after the warm-up all stages work on different blocks.
/// Each stage owns the KV rings of its steps and its own sink cache. TPP semantics differ from the single-GPU loop:
/// the sink reference is the VAE latent of ONE ref frame, the motion latents are the ref repeated motion_frames
/// times and never change, the adaptive sink is always applied at clip 1 (every stage re-runs its prefill with the
/// first clean latent), and frames come from the streaming VAE decoder primed with the first 7 motion latents.
/// The video depends only on the seed, never on how many stages there are or where they run.
/// </summary>
public sealed partial class PipelineSampler
{
    /// <summary>Latents the original primes the streaming decoder with (motion_latents[:, :, :7]).</summary>
    public const int DecoderPrimeLatents = 7;

    private readonly (CausalWanModelS2V Dit, Device Device)[] _stages;
    private readonly Wan21Vae _vae;
    private readonly ScalarType _dtype;

    /// <param name="stages">One DiT per stage device, in pipeline order (the same object may serve several stages
    /// on one device). With more stages than steps the extra stages stay idle.</param>
    /// <param name="vae">The VAE; it encodes the reference and decodes on its own device.</param>
    /// <param name="dtype">The latents' dtype between steps (the DiT's compute dtype).</param>
    public PipelineSampler(IReadOnlyList<(CausalWanModelS2V Dit, Device Device)> stages, Wan21Vae vae, ScalarType dtype)
    {
        if (stages.Count < 1) throw new ArgumentException("at least one DiT stage", nameof(stages));
        _stages = [.. stages];
        _vae = vae;
        _dtype = dtype;
        var c = _stages[0].Dit.Config;
        // Lists in the record compare by reference, so compare the sizes that shape the caches and latents.
        if (_stages.Any(s => s.Dit.Config is var o && (o.Dim != c.Dim || o.NumLayers != c.NumLayers || o.NumHeads != c.NumHeads
                || o.InDim != c.InDim || o.TextDim != c.TextDim || !o.PatchSize.SequenceEqual(c.PatchSize))))
            throw new ArgumentException("every stage needs a DiT of the same configuration", nameof(stages));
    }

    /// <summary>Blocks a link between two threads holds before the sender waits (the NCCL send/recv hand-off).</summary>
    public int LinkCapacity { get; init; } = 2;

    /// <summary>Events buffered for a slow consumer before the pipeline pauses.</summary>
    public int EventCapacity { get; init; } = 64;

    public int StageCount => _stages.Length;

    /// <summary>Hand out every decoded block as a <see cref="SamplerBlock"/> before its clip's <see cref="SamplerClip"/>
    /// (off by default: a consumer that asks for blocks must dispose their frames).</summary>
    public bool EmitBlocks { get; init; }

    /// <summary>Keep each stage's per-step KV rings in (pinned) host memory with one working ring on the device (the
    /// memory profiles' KV saving; <see cref="StepCaches"/>).</summary>
    public bool OffloadKvCache { get; init; }

    /// <summary>Where offloaded rings are kept between runs (the model set's); null: each run makes and frees its own.</summary>
    public HostRingPool? HostRings { get; init; }

    /// <summary>Without <see cref="OffloadKvCache"/>: the device peak a one-stage run keeps under by putting the KV rings
    /// that do not fit into host memory (<see cref="Generation.MemoryPlan.KvBudgetBytes"/>); null: every ring on the
    /// device. Multi-stage runs keep their rings resident.</summary>
    public long? KvBudgetBytes { get; init; }

    /// <summary>How the KV rings store their rows, on the device and in host memory (<see cref="Generation.MemoryPlan.KvRingFormat"/>).</summary>
    public KvRingFormat KvRingFormat { get; init; }

    /// <summary>Records the first stage's host issue time and device interval per DiT step (benchmarks); null: none.</summary>
    public StepTimings? Timings { get; init; }

    /// <summary>After a run has started: the KV rings its first stage kept on the device, of how many.</summary>
    public (int OnGpu, int Total)? KvRings { get; private set; }

    /// <summary>Of the first stage's rings on the GPU, those whose attention reads them in place (a sink tail).</summary>
    public int? KvRingTails { get; private set; }

    /// <summary>The step range [First, First + Count) of each working stage: contiguous, sizes differing by ≤ 1;
    /// with as many stages as steps stage i runs step i.</summary>
    public static IReadOnlyList<(int First, int Count)> PartitionSteps(int steps, int stages)
    {
        if (steps < 1 || stages < 1) throw new ArgumentException($"steps and stages must be ≥ 1; got {steps}, {stages}");
        var n = Math.Min(steps, stages);
        var ranges = new (int, int)[n];
        for (var s = 0; s < n; s++)
        {
            int first = s * steps / n, next = (s + 1) * steps / n;
            ranges[s] = (first, next - first);
        }
        return ranges;
    }

    /// <summary>
    /// Generates <see cref="SamplerInputs.Clips"/> clips: a <see cref="SamplerStep"/> per DiT call (in completion
    /// order, so steps of different blocks interleave) and a <see cref="SamplerClip"/> per clip, in clip order.
    /// <see cref="SamplerInputs.OnlineDecode"/> is ignored: TPP always decodes online with the adaptive sink.
    /// Cancellation is checked before every block in every stage; on cancel all threads stop, every cache is freed
    /// and <see cref="OperationCanceledException"/> is thrown (clips already yielded stay valid). An error in any
    /// thread stops the others and is rethrown here unchanged.
    /// </summary>
    public IEnumerable<SamplerEvent> Run(SamplerInputs inputs, ISamplerRandomness random, CancellationToken ct = default)
    {
        var g = ClipGeometry.For(inputs);
        Validate(inputs, g);
        ct.ThrowIfCancellationRequested();
        using var run = new PipelineRun(this, inputs, g, random, ct);
        run.Start();
        while (run.Next() is { } e) yield return e;
    }

    private void Validate(SamplerInputs inputs, ClipGeometry g)
    {
        var config = _stages[0].Dit.Config;
        if (inputs.Clips < 1) throw new ArgumentException($"at least one clip; got {inputs.Clips}");
        if (inputs.Steps < 1) throw new ArgumentException($"at least one step; got {inputs.Steps}");
        var audio = inputs.AudioEmbedding.shape;
        if (audio.Length != 4 || audio[0] < 1)
            throw new ArgumentException($"AudioEmbedding must be [speakers, layers, A, T]; got [{string.Join(", ", audio)}]");
        inputs.ValidateConditioning();
        if (!inputs.HasBlockAudio && audio[3] < (long)inputs.Clips * inputs.InferFrames)
            throw new ArgumentException($"AudioEmbedding covers {audio[3]} frames, {inputs.Clips} clips need {inputs.Clips * inputs.InferFrames}");
        if (inputs.Context.ndim != 2 || inputs.Context.shape[1] != config.TextDim)
            throw new ArgumentException($"Context must be [L, {config.TextDim}]; got [{string.Join(", ", inputs.Context.shape)}]");
        if (_stages[0].Dit.FrameSeqLen(g.LatentH, g.LatentW) != g.FrameSeqLen)
            throw new ArgumentException($"the DiT's patch size does not tile a {g.LatentH}×{g.LatentW} latent grid");
        if (_vae.Config.ZDim != config.InDim)
            throw new ArgumentException($"the VAE's {_vae.Config.ZDim} latent channels do not match the DiT's {config.InDim}");
    }
}
