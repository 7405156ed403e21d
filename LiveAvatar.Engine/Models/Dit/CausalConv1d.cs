using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Tensors;

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
        using var scope = DisposeScope.Enter();
        return Conv.Forward(NN.Pad(x, [_kernel - 1, 0], PadMode.Replicate)).MoveToOuterScope();
    }
}
