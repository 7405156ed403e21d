using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Models.Vae;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Tools.Bench;

/// <summary>Random weights of the right shapes, drawn on the device itself (16 B parameters take seconds this way):
/// matrices N(0, 1/fan_in), vectors N(0, 0.02²), norm gains 1 — so activations stay in a realistic range.</summary>
public static class SyntheticWeights
{
    /// <param name="keepOn">Where the drawn tensors end up (e.g. the CPU for a model whose blocks will stream from
    /// host memory); they are still drawn on <paramref name="device"/>, one at a time, which is fast.</param>
    public static void Materialize(Module module, Device device, ScalarType dtype, ulong seed = 1, Device? keepOn = null)
    {
        var i = 0UL;
        foreach (var (key, p) in module.NamedParameters())
        {
            using var scope = torch.NewDisposeScope();
            var t = torch.empty(p.Shape, dtype, device);
            var leaf = key[(key.LastIndexOf('.') + 1)..];
            if (leaf is "gamma" or "weight_g" || key.Contains("norm", StringComparison.Ordinal) && leaf == "weight") t.fill_(1);
            else if (p.Shape.Length < 2 || leaf == "modulation") Fill(t, seed + i, leaf == "modulation" ? 1 / Math.Sqrt(p.Shape[^1]) : 0.02);
            else Fill(t, seed + i, 1 / Math.Sqrt(p.Shape.Skip(1).Aggregate(1L, (a, b) => a * b)));
            p.Set(keepOn is null ? t : t.to(keepOn));
            i++;
        }
    }

    /// <summary>The Wan 2.1 VAE with synthetic weights on <paramref name="device"/> (seed 1000, as every bench draws it).</summary>
    public static Wan21Vae Vae(VaeConfig config, Device device, ScalarType dtype)
    {
        var model = new WanVae(config);
        Materialize(model, device, dtype, 1000);
        return new Wan21Vae(model, device, dtype);
    }

    /// <summary>N(0, std²) of the given shape, drawn on <paramref name="device"/> by its own generator.</summary>
    public static Tensor Normal(long[] shape, ScalarType dtype, Device device, ulong seed, double std = 1) =>
        Fill(torch.empty(shape, dtype, device), seed, std);

    /// <summary>U(low, high) of the given shape, drawn on <paramref name="device"/> by its own generator.</summary>
    public static Tensor Uniform(long[] shape, ScalarType dtype, Device device, ulong seed, double low, double high)
    {
        var t = torch.empty(shape, dtype, device);
        if (device.type == DeviceType.CUDA) { SeedCudaDevices(seed); return t.uniform_(low, high); }
        using var generator = new Generator(seed, device);
        return t.uniform_(low, high, generator);
    }

    // Device-side draws: no host round trip for 16 B parameters (unlike Noise, the values depend on the device).
    private static Tensor Fill(Tensor t, ulong seed, double std)
    {
        if (t.device.type == DeviceType.CUDA) { SeedCudaDevices(seed); return t.normal_(0, std); }
        using var generator = new Generator(seed, t.device);
        return t.normal_(0, std, generator);
    }

    // TorchSharp's Generator(seed, device) always makes a CPU generator, which CUDA kernels refuse; CUDA draws use
    // the device's default generator, seeded (all devices) per tensor so every run draws the same weights.
    private static void SeedCudaDevices(ulong seed) => torch.cuda.manual_seed_all((long)seed);
}
