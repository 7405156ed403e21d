using LiveAvatar.Engine.Checkpoints;
using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Dit;

/// <summary>Per-call switches: the official bf16 cast of norm3's input ("asrun"), the audio window geometry
/// (motion_frames = [pixel frames prepended, latent steps dropped]). Intermediates go to probe hooks
/// (<see cref="Module.AddProbeHook"/>), not through these options.</summary>
public sealed record DitRunOptions(bool Norm3Bf16 = false, int AudioPrependFrames = 73, int AudioDropSteps = 19);

/// <summary>
/// CausalWanModel_S2V, the streaming Wan2.2-S2V DiT of Live Avatar. Keys are the official state-dict names, so the
/// sharded diffusers checkpoint loads with <see cref="Module.Load"/>; dims come from config.json.
/// </summary>
public sealed partial class CausalWanModelS2V : Module
{
    /// <summary>Temporal RoPE index of the reference (sink) frame at prefill; streaming rolls it forward.</summary>
    public const int RefRopeFrame = 30;

    public DitConfig Config { get; }
    public Conv PatchEmbedding { get; }
    public LinearActLinear TextEmbedding { get; }
    public LinearActLinear TimeEmbedding { get; }
    public SiluLinear TimeProjection { get; }
    public ModuleList<DitBlock> Blocks { get; }
    public CausalHead Head { get; }
    public Conv CondEncoder { get; }
    public Embedding TrainableCondMask { get; }
    public CausalAudioEncoder CasualAudioEncoder { get; }
    public AudioInjector AudioInjector { get; }
    public FramePackMotioner FramePacker { get; }

    /// <summary>Set when the blocks stream from host memory (<see cref="StreamBlocks"/>); null when all are resident.</summary>
    public DitWeightStreamer? WeightStreamer { get; private set; }

    public CausalWanModelS2V(DitConfig c)
    {
        Config = c;
        long[] patch = [c.PatchSize[0], c.PatchSize[1], c.PatchSize[2]];
        PatchEmbedding = Child("patch_embedding", new Conv(c.InDim, c.Dim, patch, patch));
        TextEmbedding = Child("text_embedding", new LinearActLinear(c.TextDim, c.Dim, c.Dim, Activation.GeluTanh));
        TimeEmbedding = Child("time_embedding", new LinearActLinear(c.FreqDim, c.Dim, c.Dim, Activation.Silu));
        TimeProjection = Child("time_projection", new SiluLinear(c.Dim, 6L * c.Dim));
        Blocks = Child("blocks", new ModuleList<DitBlock>(Enumerable.Range(0, c.NumLayers).Select(_ => new DitBlock(c))));
        Head = Child("head", new CausalHead(c));
        CondEncoder = Child("cond_encoder", new Conv(c.CondDim, c.Dim, patch, patch));
        TrainableCondMask = Child("trainable_cond_mask", new Embedding(3, c.Dim));
        CasualAudioEncoder = Child("casual_audio_encoder", new CausalAudioEncoder(c));
        AudioInjector = Child("audio_injector", new AudioInjector(c));
        FramePacker = Child("frame_packer", new FramePackMotioner(c));
    }

    /// <summary>Builds the model from a checkpoint folder's config.json and loads its (sharded) safetensors.</summary>
    public static CausalWanModelS2V FromCheckpoint(string folder, Device device, ScalarType? dtype = null)
    {
        using var reader = CheckpointReader.Open(folder);
        return LoadOrDispose(new CausalWanModelS2V(DitConfig.FromFile(Path.Combine(folder, "config.json"))), m => m.Load(reader, device, dtype));
    }

    /// <summary>Creates the sink cache for a latent size (rows from the resolution, spec §5.6).</summary>
    public DitCondCache NewCondCache(int latentH, int latentW, Device device, ScalarType dtype) =>
        new(Config, Config.CondLength(latentH, latentW), device, dtype);

    /// <summary>Creates one step's KV ring holding <paramref name="frames"/> latent frames (12 in the pipelines),
    /// with room after them for the sink's rows when <paramref name="sinkTail"/> (attention then reads it in place),
    /// its rows stored in <paramref name="format"/>.</summary>
    public DitRingCache NewRingCache(int latentH, int latentW, int frames, Device device, ScalarType dtype, bool pinnedHost = false,
        bool sinkTail = false, KvRingFormat format = KvRingFormat.Compute) =>
        new(Config, frames * FrameSeqLen(latentH, latentW), device, dtype, pinnedHost, sinkTail ? Config.CondLength(latentH, latentW) : 0, format);

    public int FrameSeqLen(int latentH, int latentW) => latentH / Config.PatchSize[1] * (latentW / Config.PatchSize[2]);

    // timesteps [B, F] float32 → e [B·F, C] (head), e0 [B, F, 6, 2, C] (slot 1 = the t=0 row)
    // The sink's t = 0 embedding is not an intermediate the golden runs record, so it is not reported.
    private (Tensor E, Tensor E0) TimeEmbeddings(Tensor t, bool reported = true)
    {
        using var scope = torch.NewDisposeScope();
        long b = t.shape[0], f = t.shape[1];
        var rows = torch.cat([t, torch.zeros([1, f], t.dtype, t.device)], 0); // zero_timestep row
        var e = TimeEmbedding.ForwardFloat32(Sinusoid(rows.flatten()).to(ScalarType.Float32));
        if (reported) Report("time_embedding.out", e);
        var proj = TimeProjection.ForwardFloat32(e);
        if (reported) Report("time_projection.out", proj);
        var e0 = proj.view(b + 1, f, 6, Config.Dim);
        var slot0 = e0.narrow(0, 0, b).unsqueeze(3);
        var slot1 = e0.narrow(0, b, 1).unsqueeze(3).expand(b, f, 6, 1, Config.Dim);
        var eHead = e.narrow(0, 0, b * f);
        var e0Out = torch.cat([slot0, slot1], 3);
        scope.MoveToOuter(eHead, e0Out);
        return (eHead, e0Out);
    }

    // positions [n] → [n, freq_dim] float64 [cos | sin] of t·10000^(−j/half)
    private Tensor Sinusoid(Tensor positions)
    {
        var half = Config.FreqDim / 2;
        var exps = -(torch.arange(0, half, 1, ScalarType.Float64, positions.device) / half);
        var freqs = torch.full([half], 10000, ScalarType.Float64, positions.device).pow(exps);
        var s = positions.to(ScalarType.Float64).outer(freqs);
        return torch.cat([s.cos(), s.sin()], 1);
    }

    // context [Lctx, text_dim] → zero-padded to text_len rows → [1, text_len, C]
    private Tensor EmbedText(Tensor context, ScalarType dtype)
    {
        using var scope = torch.NewDisposeScope();
        var rows = context.shape[0];
        if (rows > Config.TextLen) throw new ArgumentException($"text context has {rows} rows, text_len is {Config.TextLen}");
        var padded = torch.zeros([Config.TextLen, context.shape[1]], dtype, context.device);
        padded.narrow(0, 0, rows).copy_(context.to(dtype));
        return TextEmbedding.Forward(padded.unsqueeze(0)).MoveToOuterDisposeScope();
    }

    private Tensor MaskRows(int id, long count, Device device)
    {
        var ids = torch.full([1, count], id, ScalarType.Int64, device);
        return TrainableCondMask.Forward(ids);
    }
}
