using static LiveAvatar.Engine.Native.NativeMethods;

namespace LiveAvatar.Engine.Tensors;

public sealed partial class Tensor
{
    /// <summary>Fills in place with N(0, std²) drawn on the tensor's own device (fast for huge synthetic weights;
    /// unlike <see cref="RandN"/> the values depend on the device).</summary>
    public Tensor NormalInPlace(ulong seed, double std = 1)
    {
        TorchException.Check(la_fill_random_(Handle, 0, seed, std, 0), "normal_");
        return this;
    }

    /// <summary>Fills in place with U(low, high) drawn on the tensor's own device.</summary>
    public Tensor UniformInPlace(ulong seed, double low, double high)
    {
        TorchException.Check(la_fill_random_(Handle, 1, seed, high - low, low), "uniform_");
        return this;
    }
}
