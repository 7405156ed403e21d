using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Audio;

/// <summary>LayerNorm over the conv features, then a linear map to the encoder width.</summary>
public sealed class Wav2Vec2FeatureProjection : Module
{
    public LayerNorm LayerNorm { get; }
    public Linear Projection { get; }

    public Wav2Vec2FeatureProjection(Wav2Vec2Config c)
    {
        LayerNorm = Child("layer_norm", new LayerNorm(c.ConvDim[^1], c.LayerNormEps, affine: true));
        Projection = Child("projection", new Linear(c.ConvDim[^1], c.HiddenSize));
    }

    public Tensor Forward(Tensor features)
    {
        // features [B, T, C0] → [B, T, C]
        using var scope = torch.NewDisposeScope();
        return scope.MoveToOuter(Projection.Forward(LayerNorm.Forward(features)));
    }
}
