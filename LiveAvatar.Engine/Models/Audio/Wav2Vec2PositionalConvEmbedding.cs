using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

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
        using var scope = torch.NewDisposeScope();
        var h = Conv.Forward(x.transpose(1, 2));
        // SamePad: padding K/2 on both sides yields one extra frame when K is even.
        if (_kernel % 2 == 0) h = h.narrow(2, 0, h.shape[2] - 1);
        return scope.MoveToOuter(h.gelu().transpose(1, 2));
    }
}
