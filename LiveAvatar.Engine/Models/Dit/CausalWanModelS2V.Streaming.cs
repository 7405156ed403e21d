using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Dit;

/// <summary>Inputs of one streaming DiT call (one block at one denoising step).</summary>
public sealed record DitStreamInput(
    Tensor Latents,        // [C_in, F, H, W] noisy block
    float Timestep,        // the step's t (same for every frame of the block)
    Tensor Context,        // [Lctx, text_dim]
    Tensor Audio,          // [B, layers, A, 4·F] wav2vec2 features of the block's video frames (B = speakers)
    int CurrentStart,      // global token offset of the block (F0·fsl)
    int RollingOffset,     // rd ∈ [4, 30]: the sink's temporal RoPE index is max(30, F0 + rd)
    Tensor? PoseLatents = null,  // [C_cond, F, H, W]; null = all-zero pose (cond_encoder adds only its bias)
    Tensor? SpeakerMask = null); // [B, T, Hp, Wp, 1] exclusive 0/1 routing mask; required when B > 1

public sealed partial class CausalWanModelS2V
{
    /// <summary>Rolling RoPE: the ref's temporal index 30 + max(0, F0 − (30 − rd)).</summary>
    public static int RefFrameFor(int f0, int rollingOffset) => RefRopeFrame + Math.Max(0, f0 - (RefRopeFrame - rollingOffset));

    /// <summary>_forward_inference: velocity for the noisy block; writes its keys/values into <paramref name="ring"/>.</summary>
    // → [C_out, F, H, W]
    public Tensor Forward(DitStreamInput input, DitRingCache ring, DitCondCache cond, DitRunOptions? options = null)
    {
        options ??= new DitRunOptions();
        using var scope = torch.NewDisposeScope();
        var dtype = PatchEmbedding.Weight.T.dtype;
        var device = PatchEmbedding.Weight.T.device;
        int f = (int)input.Latents.shape[1], h = (int)input.Latents.shape[2], w = (int)input.Latents.shape[3];
        int hp = h / Config.PatchSize[1], wp = w / Config.PatchSize[2], fsl = hp * wp;
        var f0 = input.CurrentStart / fsl;
        var speakers = input.Audio.shape[0];
        if (speakers > 1 && input.SpeakerMask is null)
            throw new ArgumentException($"the audio holds {speakers} speakers but no speaker mask was given: each speaker needs a mask saying where that person is in the picture");

        var (audioGlobal, audioLocal) = EncodeAudio(input.Audio.to(device), options);

        var emb = PatchEmbedding.Forward(input.Latents.to(dtype, device).unsqueeze(0)); // [1, C, F, Hp, Wp]
        Report("patch_embedding.out", emb);
        var pose = input.PoseLatents is { } pl
            ? CondEncoder.Forward(pl.to(dtype, device).unsqueeze(0))
            : CondEncoder.Bias!.T.view(1, Config.Dim, 1, 1, 1).expand(emb.shape);
        Report("cond_encoder.out", pose);
        var x = (emb + pose).flatten(2).transpose(1, 2);                                 // [1, L, C]
        var mask = MaskRows(0, x.shape[1], device);
        Report("trainable_cond_mask.out", mask);
        x = x + mask.to(dtype);

        using var rope = RopeFactors.For(Config.HeadDim, [RopeGrid.Dense(f0, f, hp, wp)], device);
        using var condRope = RopeFactors.For(Config.HeadDim, CondGrids(cond.LatentH, cond.LatentW, RefFrameFor(f0, input.RollingOffset)), device);
        if (IsProbed)
        {
            Report("rope/freqs", DitRope.AsComplexPairs(rope.Cos, rope.Sin, Config.NumHeads));
            Report("rope/freqs_cond", DitRope.AsComplexPairs(condRope.Cos, condRope.Sin, Config.NumHeads));
        }
        (Tensor E, Tensor E0) Embed() => TimeEmbeddings(torch.full([1, f], input.Timestep, ScalarType.Float32, device));
        var (e, e0) = IsProbed || DitShortcuts.IsOff(DitShortcut.TimeEmbeddings) ? Embed() : cond.TimeEmbeddings(input.Timestep, f, Embed);
        // The embedded text only feeds the cross-attention keys: when the sink cache holds them for this prompt it is
        // not needed (probed runs still make it, the fixtures record it).
        var heldText = cond.HoldsTextOf(input.Context);
        Tensor? context = null;
        if (!heldText || IsProbed)
        {
            context = EmbedText(input.Context.to(device), dtype);
            Report("text_embedding.out", context);
        }

        var ctx = new DitBlockContext(e0, context, rope, fsl, Sink: false, cond, ring, condRope, input.CurrentStart, options.Norm3Bf16,
            Text: heldText ? cond : null);
        for (var i = 0; i < Blocks.Count; i++)
        {
            var next = RunBlock(i, x, ctx);
            x.Dispose();
            x = next;
            if (!AudioInjector.Injects(i)) continue;
            next = AudioInjector.Forward(i, x, audioGlobal, audioLocal, input.SpeakerMask);
            x.Dispose();
            x = next;
            Report($"after_transformer_block.{i}.out", x);
        }
        Report("head.in", x);
        var y = Head.Forward(x, e);
        Report("head.out", y);
        return Unpatchify(y.squeeze(0), f, hp, wp).MoveToOuterDisposeScope();
    }

    // audio [B, layers, A, T] → global [B, F, 1, C], local [B, F, n+1, C] (first 73 frames repeated, 19 steps dropped)
    private (Tensor Global, Tensor Local) EncodeAudio(Tensor audio, DitRunOptions options)
    {
        var first = audio.narrow(3, 0, 1);
        var padded = torch.cat([first.expand(audio.shape[0], audio.shape[1], audio.shape[2], options.AudioPrependFrames), audio], 3);
        var (g, l) = CasualAudioEncoder.Forward(padded);
        Report("casual_audio_encoder.out0", g);
        Report("casual_audio_encoder.out1", l);
        var steps = g.shape[1] - options.AudioDropSteps;
        return (g.narrow(1, options.AudioDropSteps, steps), l.narrow(1, options.AudioDropSteps, steps));
    }

    // tokens [F·Hp·Wp, out·pt·ph·pw] → [out, F·pt, Hp·ph, Wp·pw] ('fhwpqrc->cfphqwr')
    private Tensor Unpatchify(Tensor tokens, int f, int hp, int wp)
    {
        int pt = Config.PatchSize[0], ph = Config.PatchSize[1], pw = Config.PatchSize[2], c = Config.OutDim;
        return tokens.view(f, hp, wp, pt, ph, pw, c).permute(6, 0, 3, 1, 4, 2, 5).reshape(c, f * pt, hp * ph, wp * pw);
    }
}
