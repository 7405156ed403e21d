using static TorchSharp.torch;

namespace LiveAvatar.Engine.Runtime;

/// <summary>
/// Seeded noise equal to PyTorch's <c>torch.randn(shape, generator=torch.Generator().manual_seed(seed))</c>: drawn
/// in fp32 from a CPU generator, then moved, so the same seed gives the same numbers on every device.
/// </summary>
public static class Noise
{
    public static Tensor Randn(long[] shape, ulong seed, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        using var generator = new Generator(seed, CPU);
        using var cpu = randn(shape, ScalarType.Float32, CPU, generator: generator);
        return cpu.to(dtype, device ?? CPU, copy: true);
    }

    public static Tensor Rand(long[] shape, ulong seed, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        using var generator = new Generator(seed, CPU);
        using var cpu = rand(shape, ScalarType.Float32, CPU, generator: generator);
        return cpu.to(dtype, device ?? CPU, copy: true);
    }
}
