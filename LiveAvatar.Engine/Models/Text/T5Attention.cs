using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Tensors;

namespace LiveAvatar.Engine.Models.Text;

/// <summary>T5 self-attention: bias-free q/k/v/o, no 1/√d scaling, additive position bias and key-padding mask.</summary>
public sealed class T5Attention : Module
{
    public long NumHeads { get; }
    public long HeadDim { get; }
    public Linear Q { get; }
    public Linear K { get; }
    public Linear V { get; }
    public Linear O { get; }

    public T5Attention(long dim, long dimAttn, long numHeads)
    {
        NumHeads = numHeads;
        HeadDim = dimAttn / numHeads;
        Q = Child("q", new Linear(dim, dimAttn, bias: false));
        K = Child("k", new Linear(dim, dimAttn, bias: false));
        V = Child("v", new Linear(dim, dimAttn, bias: false));
        O = Child("o", new Linear(dimAttn, dim, bias: false));
    }

    /// <param name="x">[B, L, C]</param>
    /// <param name="mask">[B, L] key mask (nonzero = token) or null</param>
    /// <param name="posBias">[1, N, L, L] or null</param>
    public Tensor Forward(Tensor x, Tensor? mask, Tensor? posBias)
    {
        // x [B, L, C] → q/k/v [B, N, L, D] → logits [B, N, L, L] → [B, L, C]
        using var scope = DisposeScope.Enter();
        var (b, l) = (x.Shape[0], x.Shape[1]);
        Tensor Heads(Linear proj) => proj.Forward(x).View(b, -1, NumHeads, HeadDim).Transpose(1, 2);
        var (q, k, v) = (Heads(Q), Heads(K), Heads(V));
        var bias = Tensor.Zeros([b, NumHeads, l, l], x.DType, x.Device);
        if (posBias != null) bias = bias + posBias;
        // masked_fill after the position bias: pad keys get finfo.min regardless of their bias.
        if (mask != null) bias = bias.MaskedFill(mask.Eq(0).View(b, 1, 1, -1), MinValue(x.DType));
        var logits = q.MatMul(k.Transpose(-1, -2)) + bias;
        var attn = logits.Softmax(-1, DType.Float32).To(logits.DType);
        var y = attn.MatMul(v).Transpose(1, 2).Reshape(b, l, NumHeads * HeadDim);
        return scope.MoveToOuter(O.Forward(y));
    }

    internal static double MinValue(DType t) => t switch
    {
        DType.Float16 => -65504.0,
        DType.BFloat16 => -3.3895313892515355e38,
        DType.Float64 => double.MinValue,
        _ => float.MinValue,
    };
}
