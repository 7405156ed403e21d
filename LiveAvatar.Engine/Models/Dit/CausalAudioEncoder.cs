using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Dit;

/// <summary>CausalAudioEncoder (the checkpoint's `casual_audio_encoder`): a SiLU-weighted average of the wav2vec2
/// layers, then MotionEncoder_tc. Runs in float32.</summary>
public sealed class CausalAudioEncoder : Module
{
    public Parameter Weights { get; }
    public MotionEncoderTc Encoder { get; }

    public CausalAudioEncoder(DitConfig c)
    {
        Weights = Param("weights", 1, c.NumAudioLayers, 1, 1);
        Encoder = Child("encoder", new MotionEncoderTc(c.AudioDim, c.Dim, c.NumAudioToken));
    }

    // features [B, layers, A, T] → global [B, T', 1, C], local [B, T', tokens+1, C]
    public (Tensor Global, Tensor Local) Forward(Tensor features)
    {
        using var scope = torch.NewDisposeScope();
        var w = Weights.T.to(ScalarType.Float32).silu();
        var weighted = (features.to(ScalarType.Float32) * w / w.sum(1, keepdim: true)).sum(1); // [B, A, T]
        var (g, l) = Encoder.Forward(weighted.transpose(1, 2));
        scope.MoveToOuter(g, l);
        return (g, l);
    }
}
