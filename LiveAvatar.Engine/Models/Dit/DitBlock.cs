using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Native;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Dit;

/// <summary>What a block needs besides its input: the modulation source, text, RoPE, caches and mode.</summary>
public sealed record DitBlockContext(
    Tensor E0,                // [B, F, 6, 2, C] float32: slot 0 per-frame t, slot 1 the t=0 row
    Tensor? Context,          // [B, text_len, C] embedded text; null when Text holds every layer's keys for it
    RopeFactors Rope,         // factors of the tokens in x
    int FrameSeqLen,
    bool Sink,                // true: x holds only cond tokens (prefill); false: only the noisy block
    DitCondCache Cond,
    DitRingCache? Ring,
    RopeFactors? CondRope,    // streaming only: the cached cond keys' rolled factors
    int CurrentStart,
    bool Norm3Bf16,
    DitCondCache? Text = null, // the text cross-attention's keys of Context for every layer; null: computed per call
    bool FillText = false)     // true: Text is being filled (the prefill), each layer writes its keys there
{
    /// <summary>Text cross-attention of layer <paramref name="layer"/>: on the held keys, or on the context (keeping
    /// its keys when filling). Per layer, inside the block, so that streamed weights are resident.</summary>
    // x [B, L, C] → [B, L, C]
    internal Tensor CrossAttend(WanCrossAttention attn, Tensor x, int layer)
    {
        if (Text is { } held && !FillText) return attn.Forward(x, held.TextK(layer), held.TextV(layer));
        var context = Context ?? throw new InvalidOperationException("the block has neither the embedded text nor its kept keys");
        if (Text is not { } text) return attn.Forward(x, context);
        using var scope = torch.NewDisposeScope();
        var (k, v) = attn.ContextKeys(context);
        text.TextK(layer).copy_(k);
        text.TextV(layer).copy_(v);
        return attn.Forward(x, k, v).MoveToOuterDisposeScope();
    }
}

/// <summary>CausalWanS2VAttentionBlock: six-way modulated self-attention and FFN, ungated text cross-attention.</summary>
public sealed class DitBlock : Module
{
    private readonly int _dim;
    private readonly double _eps;
    public Parameter Modulation { get; }
    public CausalSelfAttention SelfAttn { get; }
    public LayerNorm Norm3 { get; }
    public WanCrossAttention CrossAttn { get; }
    public LinearActLinear Ffn { get; }

    public DitBlock(DitConfig c)
    {
        _dim = c.Dim;
        _eps = c.Eps;
        Modulation = Param("modulation", 1, 6, c.Dim);
        SelfAttn = Child("self_attn", new CausalSelfAttention(c.Dim, c.NumHeads, c.Eps));
        Norm3 = Child("norm3", new LayerNorm(c.Dim, c.Eps, affine: true));
        CrossAttn = Child("cross_attn", new WanCrossAttention(c.Dim, c.NumHeads, c.Eps));
        Ffn = Child("ffn", new LinearActLinear(c.Dim, c.FfnDim, c.Dim, Activation.GeluTanh));
    }

    // x [B, L, C] → [B, L, C]
    public Tensor Forward(Tensor x, DitBlockContext ctx, int layer)
    {
        using var scope = torch.NewDisposeScope();
        Report("in", x);
        Report("e0", ctx.E0);
        // [B, F, 6, 2, C] → six [B, F, 2, C] in the order shift, scale, gate, shift, scale, gate
        var e = (Modulation.T.unsqueeze(1).unsqueeze(3) + ctx.E0).chunk(6, 2).Select(t => t.squeeze(2)).ToArray();
        if (FusedKernels.AppliesToActivation(x) && Norm3.Weight is not null && Ffn.L0.Weight.T.dtype == ScalarType.BFloat16) return ForwardFused(x, e, ctx, layer).MoveToOuterDisposeScope();

        var h = Modulate(F.layer_norm(x.to(ScalarType.Float32), [_dim], null, null, _eps), e[0], e[1], ctx);
        Report("self_attn.in", h);
        var y = ctx.Sink
            ? SelfAttn.ForwardPrefill(h.to(x.dtype), ctx.Rope, ctx.Cond, layer)
            : SelfAttn.ForwardStreaming(h.to(x.dtype), ctx.Rope, ctx.CondRope!, ctx.Ring!, ctx.Cond, layer, ctx.CurrentStart);
        Report("self_attn.out", y);
        x = x + Gate(y, e[2], ctx);

        var n3In = ctx.Norm3Bf16 ? x.to(ScalarType.BFloat16).to(ScalarType.Float32) : x.to(ScalarType.Float32);
        Report("norm3.in", n3In);
        var n3 = Norm3.Forward(n3In);
        if (ctx.Norm3Bf16) n3 = n3.to(ScalarType.BFloat16);
        n3 = n3.to(x.dtype);
        Report("norm3.out", n3);
        var ca = ctx.CrossAttend(CrossAttn, n3, layer);
        Report("cross_attn.out", ca);
        x = x + ca;

        var h2 = Modulate(F.layer_norm(x.to(ScalarType.Float32), [_dim], null, null, _eps), e[3], e[4], ctx);
        Report("ffn.in", h2);
        var f = Ffn.Forward(h2.to(x.dtype));
        Report("ffn.out", f);
        x = x + Gate(f, e[5], ctx);
        // The original ends each block with a cast to the parameter dtype (bf16 in the shipped model).
        x = x.to(Modulation.T.dtype == ScalarType.Float32 ? x.dtype : Ffn.L0.Weight.T.dtype);
        Report("out", x);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>The same block with the fused kernels (bf16 on CUDA): LayerNorm + modulation and gated residual in
    /// one kernel each, the block's final cast folded into the last residual.</summary>
    private Tensor ForwardFused(Tensor x, Tensor[] e, DitBlockContext ctx, int layer)
    {
        var h = FusedKernels.LayerNormModulate(x, Row(e[1], ctx), Row(e[0], ctx), _eps);
        Report("self_attn.in", h);
        var y = ctx.Sink
            ? SelfAttn.ForwardPrefill(h, ctx.Rope, ctx.Cond, layer)
            : SelfAttn.ForwardStreaming(h, ctx.Rope, ctx.CondRope!, ctx.Ring!, ctx.Cond, layer, ctx.CurrentStart);
        Report("self_attn.out", y);
        var residual = FusedKernels.GateResidual(x, y, Row(e[2], ctx));

        var n3 = FusedKernels.LayerNormAffine(residual, Norm3.Weight!.T, Norm3.Bias!.T, roundInput: ctx.Norm3Bf16, _eps);
        Report("norm3.out", n3);
        var ca = ctx.CrossAttend(CrossAttn, n3, layer);
        Report("cross_attn.out", ca);
        Tensor h2;
        if (ca.dtype == ScalarType.BFloat16 && residual.dtype == ScalarType.Float32 && FusedKernels.HasAddLayerNorm
            && !DitShortcuts.IsOff(DitShortcut.FusedResidualAdd))
        {
            h2 = FusedKernels.AddLayerNormModulate(residual, ca, Row(e[4], ctx), Row(e[3], ctx), _eps);
        }
        else
        {
            residual.add_(ca);
            h2 = FusedKernels.LayerNormModulate(residual, Row(e[4], ctx), Row(e[3], ctx), _eps);
        }
        Report("ffn.in", h2);
        var f = Ffn.Forward(h2);
        Report("ffn.out", f);
        // The unfused block's final cast: to bf16, unless the modulation is float32 (then the residual stays float32).
        x = FusedKernels.GateResidual(residual, f, Row(e[5], ctx), bf16Out: Modulation.T.dtype != ScalarType.Float32);
        Report("out", x);
        return x;
    }

    // Noisy tokens take slot 0 of their own frame; cond tokens take slot 1 of frame 0 (the t=0 row).
    // e [B, F, 2, C] → [B, 1, C] (sink, against y [B, Lc, C]) or [B, F, 1, C] (against y viewed [B, F, fsl, C])
    private static Tensor Row(Tensor e, DitBlockContext ctx) =>
        ctx.Sink ? e.narrow(1, 0, 1).select(2, 1) : e.select(2, 0).unsqueeze(2);

    private static Tensor Grouped(Tensor y, DitBlockContext ctx) =>
        ctx.Sink ? y : y.view(y.shape[0], y.shape[1] / ctx.FrameSeqLen, ctx.FrameSeqLen, y.shape[2]);

    private static Tensor Modulate(Tensor norm, Tensor shift, Tensor scale, DitBlockContext ctx) =>
        (Grouped(norm, ctx) * (1.0 + Row(scale, ctx)) + Row(shift, ctx)).view(norm.shape);

    private static Tensor Gate(Tensor y, Tensor gate, DitBlockContext ctx) =>
        (Grouped(y.to(ScalarType.Float32), ctx) * Row(gate, ctx)).view(y.shape);
}
