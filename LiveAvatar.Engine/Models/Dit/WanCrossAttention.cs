using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Dit;

/// <summary>WanCrossAttention (t2v): text cross-attention in every block, and AudioCrossAttention in the injector.
/// No mask, no RoPE, RMSNorm on q and k over the full width.</summary>
public sealed class WanCrossAttention : Module
{
    private readonly int _heads;
    public Linear Q { get; }
    public Linear K { get; }
    public Linear V { get; }
    public Linear O { get; }
    public WanRmsNorm NormQ { get; }
    public WanRmsNorm NormK { get; }

    public WanCrossAttention(int dim, int heads, double eps)
    {
        _heads = heads;
        Q = Child("q", new Linear(dim, dim));
        K = Child("k", new Linear(dim, dim));
        V = Child("v", new Linear(dim, dim));
        O = Child("o", new Linear(dim, dim));
        NormQ = Child("norm_q", new WanRmsNorm(dim, eps));
        NormK = Child("norm_k", new WanRmsNorm(dim, eps));
    }

    // x [B, L, C], context [B, Lk, C] → [B, L, C]
    public Tensor Forward(Tensor x, Tensor context)
    {
        using var scope = torch.NewDisposeScope();
        var (k, v) = ContextKeys(context);
        return Forward(x, k, v).MoveToOuterDisposeScope();
    }

    /// <summary>The keys (RMS-normed) and values of <paramref name="context"/>, which a caller may keep for later
    /// calls on the same context.</summary>
    // context [B, Lk, C] → k, v [B, Lk, C]
    public (Tensor K, Tensor V) ContextKeys(Tensor context) => (NormK.Forward(K.Forward(context)), V.Forward(context));

    /// <summary>Attention of x over keys and values from <see cref="ContextKeys"/>.</summary>
    // x [B, L, C], k, v [B, Lk, C] → [B, L, C]
    public Tensor Forward(Tensor x, Tensor k, Tensor v)
    {
        using var scope = torch.NewDisposeScope();
        var q = NormQ.Forward(Q.Forward(x));
        return O.Forward(DitAttention.Attend(q, k, v, _heads)).MoveToOuterDisposeScope();
    }
}

/// <summary>Unmasked softmax(QK^T/√D)V on token-major tensors.</summary>
public static class DitAttention
{
    // q [B, Lq, C], k/v [B, Lk, C] (or already split as [B, L, N, D]) → [B, Lq, C]
    public static Tensor Attend(Tensor q, Tensor k, Tensor v, int heads)
    {
        using var scope = torch.NewDisposeScope();
        Tensor Heads(Tensor t) => (t.ndim == 4 ? t : t.view(t.shape[0], t.shape[1], heads, t.shape[2] / heads)).transpose(1, 2);
        var o = F.scaled_dot_product_attention(Heads(q), Heads(k), Heads(v));
        return o.transpose(1, 2).flatten(2).MoveToOuterDisposeScope();
    }
}
