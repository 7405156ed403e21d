using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Text;

/// <summary>One encoder block: pre-RMSNorm attention and FFN residuals, with its own position table unless shared.</summary>
public sealed class T5SelfAttention : Module
{
    public T5LayerNorm Norm1 { get; }
    public T5Attention Attn { get; }
    public T5LayerNorm Norm2 { get; }
    public T5FeedForward Ffn { get; }
    public T5RelativeEmbedding? PosEmbedding { get; }

    public T5SelfAttention(T5Config c)
    {
        Norm1 = Child("norm1", new T5LayerNorm(c.Dim, c.Eps));
        Attn = Child("attn", new T5Attention(c.Dim, c.DimAttn, c.NumHeads));
        Norm2 = Child("norm2", new T5LayerNorm(c.Dim, c.Eps));
        Ffn = Child("ffn", new T5FeedForward(c.Dim, c.DimFfn));
        if (!c.SharedPos) PosEmbedding = Child("pos_embedding", new T5RelativeEmbedding(c.NumBuckets, c.NumHeads, true, c.MaxDist));
    }

    /// <summary>The position bias this block uses: its own table, or the encoder's shared one.</summary>
    public Tensor PositionBias(long l, Tensor? shared) =>
        PosEmbedding?.Forward(l, l) ?? shared ?? throw new ArgumentException("shared_pos blocks need the encoder's position bias");

    /// <param name="x">[B, L, C]</param>
    /// <param name="mask">[B, L] or null</param>
    /// <param name="sharedPosBias">[1, N, L, L] when the config shares one table, else null</param>
    public Tensor Forward(Tensor x, Tensor? mask, Tensor? sharedPosBias = null)
    {
        // x [B, L, C] → [B, L, C]
        using var scope = torch.NewDisposeScope();
        var e = PositionBias(x.shape[1], sharedPosBias);
        x = x + Attn.Forward(Norm1.Forward(x), mask, e);
        x = x + Ffn.Forward(Norm2.Forward(x));
        return scope.MoveToOuter(x);
    }
}
