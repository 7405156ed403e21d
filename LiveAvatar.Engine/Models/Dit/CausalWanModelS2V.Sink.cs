using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Dit;

/// <summary>Inputs of the sink prefill: the reference latent, the motion latents and the T5 context.</summary>
public sealed record DitSinkInput(
    Tensor RefLatent,      // [C_in, 1, H, W]
    Tensor MotionLatents,  // [C_in, Tm, H, W] (only the last Σbuckets frames are read)
    Tensor Context);       // [Lctx, text_dim] T5 output before padding

public sealed partial class CausalWanModelS2V
{
    /// <summary>
    /// _forward_sink: runs the ref + FramePack tokens (t=0 modulation, ref at temporal RoPE 30) through every block,
    /// caching each layer's un-RoPE'd cond keys and values. No audio injection; the output is discarded.
    /// </summary>
    public void Prefill(DitSinkInput input, DitCondCache cache, DitRunOptions? options = null)
    {
        options ??= new DitRunOptions();
        using var scope = torch.NewDisposeScope();
        var dtype = PatchEmbedding.Weight.T.dtype;
        var device = PatchEmbedding.Weight.T.device;
        int h = (int)input.RefLatent.shape[2], w = (int)input.RefLatent.shape[3];
        int hp = h / Config.PatchSize[1], wp = w / Config.PatchSize[2];

        var refEmb = PatchEmbedding.Forward(input.RefLatent.to(dtype, device).unsqueeze(0)); // [1, C, 1, Hp, Wp]
        Report("patch_embedding.out", refEmb);
        var refTokens = refEmb.flatten(2).transpose(1, 2);
        var motion = FramePacker.Forward(input.MotionLatents.to(dtype, device));            // [1, Lm, C]
        Report("frame_packer.out0", motion);
        var x = torch.cat([refTokens, motion], 1);                                           // [1, Lc, C]
        if (x.shape[1] != cache.Length)
            throw new ArgumentException($"sink has {x.shape[1]} tokens but the cond cache was sized for {cache.Length}");
        var mask = torch.cat([MaskRows(1, refTokens.shape[1], device), MaskRows(2, motion.shape[1], device)], 1);
        Report("trainable_cond_mask.out", mask);
        x = x + mask.to(dtype);

        using var rope = RopeFactors.For(Config.HeadDim, CondGrids(h, w, RefRopeFrame), device);
        if (IsProbed) Report("blocks.0.freqs", DitRope.AsComplexPairs(rope.Cos, rope.Sin, Config.NumHeads));
        var (_, e0) = TimeEmbeddings(torch.zeros([1, 1], ScalarType.Float32, device), reported: false);
        var context = EmbedText(input.Context.to(device), dtype);
        Report("text_embedding.out", context);

        cache.LatentH = h;
        cache.LatentW = w;
        cache.Refill();
        // The text keys are rewritten layer by layer: they hold no prompt until all are written.
        cache.ForgetText();
        var keepText = cache.KeepsText && context.shape[0] == 1;
        var ctx = new DitBlockContext(e0, context, rope, hp * wp, Sink: true, cache, null, null, 0, options.Norm3Bf16,
            Text: keepText ? cache : null, FillText: keepText);
        for (var i = 0; i < Blocks.Count; i++)
        {
            var next = RunBlock(i, x, ctx);
            x.Dispose();
            x = next;
        }
        if (keepText) cache.MarkText(input.Context);
    }

    /// <summary>RoPE grids of the sink tokens: the ref frame at <paramref name="refFrame"/>, then the FramePack buckets.</summary>
    public IReadOnlyList<RopeGrid> CondGrids(int latentH, int latentW, int refFrame) =>
        [RopeGrid.Dense(refFrame, 1, latentH / Config.PatchSize[1], latentW / Config.PatchSize[2]), .. FramePacker.RopeGrids(latentH, latentW)];
}
