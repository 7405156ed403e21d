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
        var padded = F.pad(x, [_kernel - 1, 0], PaddingModes.Replicate);
        return (padded.device_type == DeviceType.CUDA ? AsGemm(padded) : Conv.Forward(padded)).MoveToOuterDisposeScope();
    }

    /// <summary><see cref="Forward"/> through the GEMM on any device (tests compare it with the convolution).</summary>
    internal Tensor ForwardAsGemm(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        return AsGemm(F.pad(x, [_kernel - 1, 0], PaddingModes.Replicate)).MoveToOuterDisposeScope();
    }

    // The same convolution as one GEMM over the input's windows. On a GPU, cuDNN runs bf16 1-D convolutions with
    // NHWC kernels and converts the input and the weight ([5120, 1024, 3] for conv1_local) to that layout in every
    // call: 1.7 ms per DiT forward on an H200 for 4 small convolutions (docs/benchmarks.md).
    // padded [B, C, T] → [B, C', T']
    private Tensor AsGemm(Tensor padded)
    {
        var w = Conv.Weight.T;
        var (b, cIn, k, stride) = (padded.shape[0], padded.shape[1], w.shape[2], Conv.Stride[0]);
        var windows = padded.to(w.dtype).unfold(2, k, stride);                   // [B, C, T', k]
        var tOut = windows.shape[2];
        var columns = windows.permute(0, 2, 1, 3).reshape(b * tOut, cIn * k);   // [B·T', C·k], (c, k) order as w
        var y = F.linear(columns, w.view(w.shape[0], cIn * k), Conv.Bias?.T);     // [B·T', C']
        return y.view(b, tOut, w.shape[0]).transpose(1, 2);
    }
}
