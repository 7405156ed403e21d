using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

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
        using var scope = torch.NewDisposeScope();
        var (b, l) = (x.shape[0], x.shape[1]);
        Tensor Heads(Linear proj) => proj.Forward(x).view(b, -1, NumHeads, HeadDim).transpose(1, 2);
        var (q, k, v) = (Heads(Q), Heads(K), Heads(V));
        var bias = torch.zeros([b, NumHeads, l, l], x.dtype, x.device);
        if (posBias is not null) bias = bias + posBias;
        // masked_fill after the position bias: pad keys get finfo.min regardless of their bias.
        if (mask is not null) bias = bias.masked_fill(mask.eq(0).view(b, 1, 1, -1), MinValue(x.dtype));
        var logits = q.matmul(k.transpose(-1, -2)) + bias;
        var attn = logits.softmax(-1, ScalarType.Float32).to(logits.dtype);
        var y = attn.matmul(v).transpose(1, 2).reshape(b, l, NumHeads * HeadDim);
        return scope.MoveToOuter(O.Forward(y));
    }

    internal static double MinValue(ScalarType t) => t switch
    {
        ScalarType.Float16 => -65504.0,
        ScalarType.BFloat16 => -3.3895313892515355e38,
        ScalarType.Float64 => double.MinValue,
        _ => float.MinValue,
    };
}
