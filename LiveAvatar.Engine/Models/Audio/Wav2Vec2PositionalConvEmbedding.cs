using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Tensors;

namespace LiveAvatar.Engine.Models.Audio;

/// <summary>Convolutional relative position embedding: grouped weight-normed conv, "same" padding, GELU.</summary>
public sealed class Wav2Vec2PositionalConvEmbedding : Module
{
    private readonly long _kernel;
    public WeightNormConv1d Conv { get; }

    public Wav2Vec2PositionalConvEmbedding(Wav2Vec2Config c, WeightNormKeys keys)
    {
        _kernel = c.NumConvPosEmbeddings;
        Conv = Child("conv", new WeightNormConv1d(c.HiddenSize, _kernel, _kernel / 2, c.NumConvPosEmbeddingGroups, keys));
    }

    public Tensor Forward(Tensor x)
    {
        // x [B, T, C] → [B, T, C]
        using var scope = DisposeScope.Enter();
        var h = Conv.Forward(x.Transpose(1, 2));
        // SamePad: padding K/2 on both sides yields one extra frame when K is even.
        if (_kernel % 2 == 0) h = h.Narrow(2, 0, h.Shape[2] - 1);
        return scope.MoveToOuter(h.Gelu().Transpose(1, 2));
    }
}
