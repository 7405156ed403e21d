using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Audio;

/// <summary>One feature-extractor conv: Conv1d, LayerNorm over channels (nn.LayerNorm default eps 1e-5), GELU.</summary>
public sealed class Wav2Vec2LayerNormConvLayer : Module
{
    public Conv Conv { get; }
    public LayerNorm LayerNorm { get; }

    public Wav2Vec2LayerNormConvLayer(long inDim, long outDim, long kernel, long stride, bool bias)
    {
        Conv = Child("conv", new Conv(inDim, outDim, [kernel], [stride], bias: bias));
        LayerNorm = Child("layer_norm", new LayerNorm(outDim, 1e-5, affine: true));
    }

    public Tensor Forward(Tensor x)
    {
        // x [B, Cin, T] → [B, C, T']
        using var scope = torch.NewDisposeScope();
        var h = Conv.Forward(x);
        h = LayerNorm.Forward(h.transpose(-2, -1)).transpose(-2, -1);
        return scope.MoveToOuter(h.gelu());
    }
}
