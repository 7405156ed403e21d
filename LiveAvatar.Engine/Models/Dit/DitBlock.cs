using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Tensors;

namespace LiveAvatar.Engine.Models.Dit;

/// <summary>What a block needs besides its input: the modulation source, text, RoPE, caches and mode.</summary>
public sealed record DitBlockContext(
    Tensor E0,                // [B, F, 6, 2, C] float32: slot 0 per-frame t, slot 1 the t=0 row
    Tensor Context,           // [B, text_len, C] embedded text
    RopeFactors Rope,         // factors of the tokens in x
    int FrameSeqLen,
    bool Sink,                // true: x holds only cond tokens (prefill); false: only the noisy block
    DitCondCache Cond,
    DitRingCache? Ring,
    RopeFactors? CondRope,    // streaming only: the cached cond keys' rolled factors
    int CurrentStart,
    bool Norm3Bf16,
    DitProbe? Probe);

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
        Ffn = Child("ffn", new LinearActLinear(c.Dim, c.FfnDim, c.Dim, t => t.GeluTanh()));
    }

    // x [B, L, C] → [B, L, C]
    public Tensor Forward(Tensor x, DitBlockContext ctx, int layer)
    {
        using var scope = DisposeScope.Enter();
        var name = $"blocks.{layer}";
        var p = ctx.Probe;
        p?.Invoke(name + ".in", x);
        p?.Invoke(name + ".e0", ctx.E0);
        // [B, F, 6, 2, C] → six [B, F, 2, C] in the order shift, scale, gate, shift, scale, gate
        var e = (Modulation.T.Unsqueeze(1).Unsqueeze(3) + ctx.E0).Chunk(6, 2).Select(t => t.Squeeze(2)).ToArray();

        var h = Modulate(NN.LayerNorm(x.To(DType.Float32), [_dim], null, null, _eps), e[0], e[1], ctx);
        p?.Invoke(name + ".self_attn.in", h);
        var y = ctx.Sink
            ? SelfAttn.ForwardPrefill(h.To(x.DType), ctx.Rope, ctx.Cond, layer, p, name + ".self_attn")
            : SelfAttn.ForwardStreaming(h.To(x.DType), ctx.Rope, ctx.CondRope!, ctx.Ring!, ctx.Cond, layer, ctx.CurrentStart, p, name + ".self_attn");
        p?.Invoke(name + ".self_attn.out", y);
        x = x + Gate(y, e[2], ctx);

        var n3In = ctx.Norm3Bf16 ? x.To(DType.BFloat16).To(DType.Float32) : x.To(DType.Float32);
        p?.Invoke(name + ".norm3.in", n3In);
        var n3 = Norm3.Forward(n3In);
        if (ctx.Norm3Bf16) n3 = n3.To(DType.BFloat16);
        n3 = n3.To(x.DType);
        p?.Invoke(name + ".norm3.out", n3);
        var ca = CrossAttn.Forward(n3, ctx.Context);
        p?.Invoke(name + ".cross_attn.out", ca);
        x = x + ca;

        var h2 = Modulate(NN.LayerNorm(x.To(DType.Float32), [_dim], null, null, _eps), e[3], e[4], ctx);
        p?.Invoke(name + ".ffn.in", h2);
        var f = Ffn.Forward(h2.To(x.DType));
        p?.Invoke(name + ".ffn.out", f);
        x = x + Gate(f, e[5], ctx);
        // The original ends each block with a cast to the parameter dtype (bf16 in the shipped model).
        x = x.To(Modulation.T.DType == DType.Float32 ? x.DType : Ffn.L0.Weight.T.DType);
        p?.Invoke(name + ".out", x);
        return x.MoveToOuterScope();
    }

    // Noisy tokens take slot 0 of their own frame; cond tokens take slot 1 of frame 0 (the t=0 row).
    // e [B, F, 2, C] → [B, 1, C] (sink, against y [B, Lc, C]) or [B, F, 1, C] (against y viewed [B, F, fsl, C])
    private static Tensor Row(Tensor e, DitBlockContext ctx) =>
        ctx.Sink ? e.Narrow(1, 0, 1).Select(2, 1) : e.Select(2, 0).Unsqueeze(2);

    private static Tensor Grouped(Tensor y, DitBlockContext ctx) =>
        ctx.Sink ? y : y.View(y.Shape[0], y.Shape[1] / ctx.FrameSeqLen, ctx.FrameSeqLen, y.Shape[2]);

    private static Tensor Modulate(Tensor norm, Tensor shift, Tensor scale, DitBlockContext ctx) =>
        (Grouped(norm, ctx) * (1.0 + Row(scale, ctx)) + Row(shift, ctx)).View(norm.Shape);

    private static Tensor Gate(Tensor y, Tensor gate, DitBlockContext ctx) =>
        (Grouped(y.To(DType.Float32), ctx) * Row(gate, ctx)).View(y.Shape);
}
