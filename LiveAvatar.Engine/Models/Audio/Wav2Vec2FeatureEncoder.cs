using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Audio;

/// <summary>The strided conv stack that turns 16 kHz samples into 50 Hz frames.</summary>
public sealed class Wav2Vec2FeatureEncoder : Module
{
    public ModuleList<Wav2Vec2LayerNormConvLayer> ConvLayers { get; }

    public Wav2Vec2FeatureEncoder(Wav2Vec2Config c)
    {
        ConvLayers = Child("conv_layers", new ModuleList<Wav2Vec2LayerNormConvLayer>(
            Enumerable.Range(0, c.ConvDim.Length).Select(i =>
                new Wav2Vec2LayerNormConvLayer(i == 0 ? 1 : c.ConvDim[i - 1], c.ConvDim[i], c.ConvKernel[i], c.ConvStride[i], c.ConvBias))));
    }

    public Tensor Forward(Tensor inputValues)
    {
        // inputValues [B, N] → [B, C0, T]
        using var scope = torch.NewDisposeScope();
        var h = inputValues.unsqueeze(1);
        foreach (var layer in ConvLayers.Items) h = layer.Forward(h);
        return scope.MoveToOuter(h);
    }
}
