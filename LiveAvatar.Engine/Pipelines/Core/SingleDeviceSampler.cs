using LiveAvatar.Engine.Models.Dit;
using LiveAvatar.Engine.Models.Vae;
using LiveAvatar.Engine.Sampling;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Pipelines.Core;

/// <summary>
/// The single-GPU WanS2V.generate loop (LA: causal_s2v_pipeline.py): reference and motion latents from the VAE,
/// the sink prefill, then per clip and per block of 3 latents the distilled Euler steps, step i attending to its
/// own KV ring, and the clip's decode against the motion history. Each clip is decoded as soon as it is generated,
/// which gives exactly the original's deferred decode (it depends only on this clip and the previous decodes).
/// Online decode adds the adaptive sink: after clip 0 the reference latent becomes the first clean latent and
/// the prefill runs again at clip 1 with the re-encoded motion latents. A guide scale above 1 adds a second,
/// unconditional branch with caches and prefills of its own (SingleDeviceSampler.Guidance.cs).
/// </summary>
public sealed partial class SingleDeviceSampler
{
    private readonly CausalWanModelS2V _dit;
    private readonly IClipVae _vae;
    private readonly Device _device;
    private readonly ScalarType _dtype;
    private readonly bool _offloadKvCache;

    /// <summary>Where offloaded rings are kept between runs (the model set's); null: each run makes and frees its own.</summary>
    public HostRingPool? HostRings { get; init; }

    /// <summary>Without offloading: the device peak to keep under by putting the KV rings (both guidance branches')
    /// that do not fit into host memory (<see cref="Generation.MemoryPlan.KvBudgetBytes"/>); null: every ring on the device.</summary>
    public long? KvBudgetBytes { get; init; }

    /// <summary>How the KV rings store their rows, on the device and in host memory (<see cref="Generation.MemoryPlan.KvRingFormat"/>).</summary>
    public KvRingFormat KvRingFormat { get; init; }

    public SingleDeviceSampler(CausalWanModelS2V dit, Wan21Vae vae, Device device, ScalarType dtype, bool offloadKvCache = false)
        : this(dit, new Wan21ClipVae(vae), device, dtype, offloadKvCache)
    {
    }

    internal SingleDeviceSampler(CausalWanModelS2V dit, IClipVae vae, Device device, ScalarType dtype, bool offloadKvCache = false)
    {
        _dit = dit;
        _vae = vae;
        _device = device;
        _dtype = dtype;
        _offloadKvCache = offloadKvCache;
    }

    /// <summary>Receives named intermediates (parity checks); null in the product.</summary>
    public SamplerProbe? Probe { get; set; }

    /// <summary>
    /// Generates <see cref="SamplerInputs.Clips"/> clips. Cancellation is checked before every block; on cancel the
    /// caches are freed and <see cref="OperationCanceledException"/> is thrown (clips already yielded stay valid).
    /// </summary>
    public IEnumerable<SamplerEvent> Run(SamplerInputs inputs, ISamplerRandomness random, CancellationToken ct = default)
    {
        var g = ClipGeometry.For(inputs);
        Validate(inputs, g);
        var schedule = FlowMatchSchedule.Create(inputs.Steps);
        var options = new DitRunOptions(inputs.Norm3Bf16, inputs.MotionFrames, g.LatentMotionFrames);
        ct.ThrowIfCancellationRequested();
        using var state = RunState.Create(this, inputs, g);
        for (var r = 0; r < inputs.Clips; r++)
        {
            if (r == 0 || (r == 1 && inputs.OnlineDecode)) Prefill(state, inputs, options, r);
            using var clip = NewClipLatents(random, r, g);
            for (var b = 0; b < g.Blocks; b++)
            {
                ct.ThrowIfCancellationRequested();
                using var x = new TensorSlot(NoiseBlock(clip.Noise, b));
                for (var i = 0; i < schedule.Steps; i++)
                {
                    DenoiseStep(state, inputs, options, schedule, x, r, b, i, random.NextRollingOffset());
                    // The clean latents are complete before the last step's event, so a consumer may stop there.
                    if (i == schedule.Steps - 1) StoreBlock(clip.Output, x.Value, r, b, g);
                    yield return new SamplerStep(r, b, i);
                }
            }
            yield return FinishClip(state, inputs, clip.Output, r);
        }
    }

    private void Validate(SamplerInputs inputs, ClipGeometry g)
    {
        if (inputs.Clips < 1) throw new ArgumentException($"at least one clip; got {inputs.Clips}");
        if (inputs.Steps < 1) throw new ArgumentException($"at least one step; got {inputs.Steps}");
        var audio = inputs.AudioEmbedding.shape;
        if (audio.Length != 4 || audio[0] < 1)
            throw new ArgumentException($"AudioEmbedding must be [speakers, layers, A, T]; got [{string.Join(", ", audio)}]");
        inputs.ValidateConditioning();
        if (audio[3] < (long)inputs.Clips * inputs.InferFrames)
            throw new ArgumentException($"AudioEmbedding covers {audio[3]} frames, {inputs.Clips} clips need {inputs.Clips * inputs.InferFrames}");
        if (inputs.Context.ndim != 2 || inputs.Context.shape[1] != _dit.Config.TextDim)
            throw new ArgumentException($"Context must be [L, {_dit.Config.TextDim}]; got [{string.Join(", ", inputs.Context.shape)}]");
        ValidateGuidance(inputs, _dit.Config.TextDim);
        if (_dit.FrameSeqLen(g.LatentH, g.LatentW) != g.FrameSeqLen)
            throw new ArgumentException($"the DiT's patch size does not tile a {g.LatentH}×{g.LatentW} latent grid");
    }

    // Sink prefill: one run per branch fills the cond cache every step's ring of that branch shares (the original
    // repeats the identical call once per step cache; with one shared cond cache the repeats rewrite the same rows).
    private void Prefill(RunState state, SamplerInputs inputs, DitRunOptions options, int clip)
    {
        using var scope = torch.NewDisposeScope();
        var motion = state.History.Latents;
        var index = clip == 0 ? 0 : 1;
        if (Probe is { } probe)
        {
            var n = _dit.Config.MotionLatentFrames;
            probe($"prefill{index}/ref_latents", state.RefLatent.unsqueeze(0));
            probe($"prefill{index}/motion_latents_last{n}", motion.narrow(1, motion.shape[1] - n, n).unsqueeze(0));
        }
        for (var branch = 0; branch < state.Caches.Branches; branch++)
            _dit.Prefill(new DitSinkInput(state.RefLatent, motion, ContextOf(inputs, branch)), state.Caches.Cond(branch), options);
    }

    // One DiT call (two with guidance) and Euler step for block (r, b) at step i; x is replaced by the updated latents.
    private void DenoiseStep(RunState state, SamplerInputs inputs, DitRunOptions options, FlowMatchSchedule schedule,
        TensorSlot x, int r, int b, int i, int rollingOffset)
    {
        using var scope = torch.NewDisposeScope();
        var g = state.Geometry;
        var audio = inputs.AudioEmbedding.narrow(3, (long)r * inputs.InferFrames + b * g.BlockVideoFrames, g.BlockVideoFrames);
        var currentStart = g.BlockStartFrame(r, b) * g.FrameSeqLen;
        var input = inputs.BlockInput(x.Value, schedule.Timesteps[i], audio, currentStart, rollingOffset, r, b);
        var name = $"c{r}b{b}s{i}";
        var v = Velocity(state, inputs, options, input, i, name);                       // [16, 3, h, w]
        Probe?.Invoke($"{name}/velocity", v);
        x.Replace(schedule.Step(x.Value, v, i).DetachFromDisposeScope());
    }

    private void StoreBlock(Tensor clipOutput, Tensor block, int r, int b, ClipGeometry g)
    {
        using var scope = torch.NewDisposeScope();
        clipOutput.narrow(1, b * ClipGeometry.FramesPerBlock, ClipGeometry.FramesPerBlock).copy_(block);
        if (b == g.Blocks - 1) Probe?.Invoke($"clean_latents_clip{r}", clipOutput);
    }

    private SamplerClip FinishClip(RunState state, SamplerInputs inputs, Tensor clipOutput, int r)
    {
        using var scope = torch.NewDisposeScope();
        var last = r == inputs.Clips - 1;
        // The history feeds the next clip's decode, and with online decode the clip-1 prefill.
        var video = state.History.DecodeClip(clipOutput, firstClip: r == 0, updateHistory: !last);
        if (r == 0 && inputs.OnlineDecode) state.ReplaceRef(clipOutput.narrow(1, 0, 1).clone());
        return new SamplerClip(r, clipOutput.clone().DetachFromDisposeScope(), video);
    }

    private ClipLatents NewClipLatents(ISamplerRandomness random, int r, ClipGeometry g)
    {
        using var scope = torch.NewDisposeScope();
        long[] shape = [_dit.Config.InDim, g.LatentFrames, g.LatentH, g.LatentW];
        var drawn = random.Noise(r, shape);
        if (!drawn.shape.SequenceEqual(shape))
            throw new InvalidOperationException($"noise of clip {r} is [{string.Join(", ", drawn.shape)}], expected [{string.Join(", ", shape)}]");
        var noise = drawn.to(_dtype, _device).DetachFromDisposeScope();
        drawn.Dispose();
        var output = torch.zeros(shape, _dtype, _device).DetachFromDisposeScope();
        return new ClipLatents(noise, output);
    }

    private static Tensor NoiseBlock(Tensor noise, int b)
    {
        using var scope = torch.NewDisposeScope();
        return noise.narrow(1, b * ClipGeometry.FramesPerBlock, ClipGeometry.FramesPerBlock).clone().DetachFromDisposeScope();
    }
}
