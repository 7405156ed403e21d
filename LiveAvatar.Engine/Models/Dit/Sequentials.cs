using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Models.Fp8;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Dit;

/// <summary>The activation between the two linears of a <see cref="LinearActLinear"/>.</summary>
public enum Activation
{
    /// <summary>nn.GELU(approximate="tanh"): text_embedding and every block's ffn. An FP8 second linear applies it
    /// while quantising its input (no GELU output in memory).</summary>
    GeluTanh,

    /// <summary>nn.SiLU: time_embedding.</summary>
    Silu,
}

/// <summary>nn.Sequential(Linear, activation, Linear): keys "0" and "2" (text_embedding, time_embedding, ffn).</summary>
public sealed class LinearActLinear : Module
{
    private readonly Activation _activation;
    public Linear L0 { get; }
    public Linear L2 { get; }

    public LinearActLinear(long inDim, long hidden, long outDim, Activation activation)
    {
        _activation = activation;
        L0 = Child("0", new Linear(inDim, hidden));
        L2 = Child("2", new Linear(hidden, outDim));
    }

    public Tensor Forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var h = L0.Forward(x);
        if (_activation == Activation.GeluTanh && Fp8Activation.AppliesWithGelu(h, L2))
        {
            using var a = Fp8Activation.Quantize(h, geluTanh: true);
            return L2.Fp8!.Forward(a).MoveToOuterDisposeScope();
        }
        return L2.Forward(Act(h)).MoveToOuterDisposeScope();
    }

    /// <summary>The same in fp32 with upcast weights (time_embedding runs under autocast(float32)).</summary>
    public Tensor ForwardFloat32(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        return L2.ForwardFloat32(Act(L0.ForwardFloat32(x))).MoveToOuterDisposeScope();
    }

    private Tensor Act(Tensor h) => _activation == Activation.GeluTanh ? h.gelu(TorchSharp.Modules.GELU.Approximate.tanh) : h.silu();
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
