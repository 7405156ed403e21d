using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Audio;

/// <summary>A pre-LN transformer layer ("stable layer norm"): x + attn(LN(x)), then h + ffn(LN(h)).</summary>
public sealed class Wav2Vec2EncoderLayerStableLayerNorm : Module
{
    public Wav2Vec2Attention Attention { get; }
    public LayerNorm LayerNorm { get; }
    public Wav2Vec2FeedForward FeedForward { get; }
    public LayerNorm FinalLayerNorm { get; }

    public Wav2Vec2EncoderLayerStableLayerNorm(Wav2Vec2Config c)
    {
        Attention = Child("attention", new Wav2Vec2Attention(c.HiddenSize, c.NumAttentionHeads));
        LayerNorm = Child("layer_norm", new LayerNorm(c.HiddenSize, c.LayerNormEps, affine: true));
        FeedForward = Child("feed_forward", new Wav2Vec2FeedForward(c.HiddenSize, c.IntermediateSize));
        FinalLayerNorm = Child("final_layer_norm", new LayerNorm(c.HiddenSize, c.LayerNormEps, affine: true));
    }

    public Tensor Forward(Tensor x)
    {
        // x [B, T, C] → [B, T, C]
        using var scope = torch.NewDisposeScope();
        var h = x + Attention.Forward(LayerNorm.Forward(x));
        h = h + FeedForward.Forward(FinalLayerNorm.Forward(h));
        return scope.MoveToOuter(h);
    }
}
