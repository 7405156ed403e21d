using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Audio;

/// <summary>Positional conv, pre-LN layers and the final LayerNorm; keeps every hidden state as HF's
/// output_hidden_states=True does.</summary>
public sealed class Wav2Vec2EncoderStableLayerNorm : Module
{
    public Wav2Vec2PositionalConvEmbedding PosConvEmbed { get; }
    public LayerNorm LayerNorm { get; }
    public ModuleList<Wav2Vec2EncoderLayerStableLayerNorm> Layers { get; }

    public Wav2Vec2EncoderStableLayerNorm(Wav2Vec2Config c, WeightNormKeys keys)
    {
        PosConvEmbed = Child("pos_conv_embed", new Wav2Vec2PositionalConvEmbedding(c, keys));
        LayerNorm = Child("layer_norm", new LayerNorm(c.HiddenSize, c.LayerNormEps, affine: true));
        Layers = Child("layers", new ModuleList<Wav2Vec2EncoderLayerStableLayerNorm>(
            Enumerable.Range(0, (int)c.NumHiddenLayers).Select(_ => new Wav2Vec2EncoderLayerStableLayerNorm(c))));
    }

    /// <summary>Layers+1 states: [0] = input + positional conv, [i] = input of layer i, and the last is the final
    /// LayerNorm of the last layer's output or that output itself, per <paramref name="last"/>.</summary>
    public Tensor[] Forward(Tensor x, LastHiddenState last = LastHiddenState.FinalLayerNorm)
    {
        // x [B, T, C] → (layers+1) × [B, T, C]
        using var scope = torch.NewDisposeScope();
        var states = new List<Tensor>();
        var h = x + PosConvEmbed.Forward(x);
        foreach (var layer in Layers.Items)
        {
            states.Add(h);
            h = layer.Forward(h);
        }
        states.Add(last == LastHiddenState.FinalLayerNorm ? LayerNorm.Forward(h) : h);
        foreach (var s in states) scope.MoveToOuter(s);
        return [.. states];
    }
}
