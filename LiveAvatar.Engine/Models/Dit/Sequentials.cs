using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Models.Fp8;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Dit;

/// <summary>nn.Sequential(Linear, activation, Linear): keys "0" and "2" (text_embedding, time_embedding, ffn).</summary>
public sealed class LinearActLinear : Module
{
    private readonly Func<Tensor, Tensor> _act;
    public Linear L0 { get; }
    public Linear L2 { get; }

    private readonly bool _geluTanh;

    /// <param name="geluTanh">The activation is tanh GELU, which an FP8 second linear can apply while quantising its
    /// input (no GELU output in memory).</param>
    public LinearActLinear(long inDim, long hidden, long outDim, Func<Tensor, Tensor> act, bool geluTanh = false)
    {
        _act = act;
        _geluTanh = geluTanh;
        L0 = Child("0", new Linear(inDim, hidden));
        L2 = Child("2", new Linear(hidden, outDim));
    }

    public Tensor Forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var h = L0.Forward(x);
        if (_geluTanh && Fp8Activation.AppliesWithGelu(h, L2))
        {
            using var a = Fp8Activation.Quantize(h, geluTanh: true);
            return L2.Fp8!.Forward(a).MoveToOuterDisposeScope();
        }
        return L2.Forward(_act(h)).MoveToOuterDisposeScope();
    }

    /// <summary>The same in fp32 with upcast weights (time_embedding runs under autocast(float32)).</summary>
    public Tensor ForwardFloat32(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        return L2.ForwardFloat32(_act(L0.ForwardFloat32(x))).MoveToOuterDisposeScope();
    }
}

/// <summary>nn.Sequential(SiLU, Linear): time_projection, key "1".</summary>
public sealed class SiluLinear : Module
{
    public Linear L1 { get; }

    public SiluLinear(long inDim, long outDim) => L1 = Child("1", new Linear(inDim, outDim));

    public Tensor Forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        return L1.Forward(x.silu()).MoveToOuterDisposeScope();
    }

    /// <summary>The same in fp32 with upcast weights (time_projection runs under autocast(float32)).</summary>
    public Tensor ForwardFloat32(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        return L1.ForwardFloat32(x.to(ScalarType.Float32).silu()).MoveToOuterDisposeScope();
    }
}
