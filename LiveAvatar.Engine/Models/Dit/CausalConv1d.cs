using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Dit;

/// <summary>CausalConv1d: replicate-pads kernel−1 steps on the left so no output sees the future.</summary>
public sealed class CausalConv1d : Module
{
    private readonly long _kernel;
    public Conv Conv { get; }

    public CausalConv1d(long inChannels, long outChannels, long kernel, long stride)
    {
        _kernel = kernel;
        Conv = Child("conv", new Conv(inChannels, outChannels, [kernel], [stride]));
    }

    // x [B, C, T] → [B, C', T']
    public Tensor Forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        return Conv.Forward(F.pad(x, [_kernel - 1, 0], PaddingModes.Replicate)).MoveToOuterDisposeScope();
    }
}
