using LiveAvatar.Engine.Checkpoints;
using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Tools.Demo;

/// <summary>Deterministic random values for a module's parameters, following the golden harness's convention:
/// matrices N(0, 1/fan_in), biases U(−0.1, 0.1), norm gains 1 + 0.1·N, modulation N/√dim, audio layer weights
/// U(0.5, 2). Zero-initialised heads are not kept, so the demo's untrained video still moves.</summary>
internal static class DemoWeights
{
    public static IEnumerable<(string Name, CheckpointDType DType, long[] Shape, ReadOnlyMemory<byte> Data)> For(
        Module module, ulong seed, ScalarType dtype, string prefix = "")
    {
        foreach (var (key, p) in module.NamedParameters())
        {
            using var scope = torch.NewDisposeScope();
            var s = seed ^ Hash(key);
            var t = Init(key, p.Shape, s);
            yield return (prefix + key, CheckpointDTypes.FromScalarType(dtype), p.Shape, HostArrays.Bytes(t.to(dtype)));
        }
    }

    private static Tensor Init(string key, long[] shape, ulong seed)
    {
        var leaf = key[(key.LastIndexOf('.') + 1)..];
        if (key == "casual_audio_encoder.weights") return Noise.Rand(shape, seed) * 1.5 + 0.5;
        if (leaf == "bias") return Noise.Rand(shape, seed) * 0.2 - 0.1;
        if (leaf == "modulation") return Noise.Randn(shape, seed) / Math.Sqrt(shape[^1]);
        if (leaf is "gamma" or "weight_g" || key.Contains("norm", StringComparison.Ordinal) && leaf == "weight")
            return Noise.Randn(shape, seed) * 0.1 + 1.0;
        if (leaf == "padding_tokens") return Noise.Randn(shape, seed) * 0.02;
        if (shape.Length == 1) return Noise.Randn(shape, seed) * 0.1;
        var fanIn = shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        if (key.Contains("embedding", StringComparison.Ordinal) && !key.Contains("patch", StringComparison.Ordinal)
            && !key.Contains("time", StringComparison.Ordinal) && !key.Contains("text", StringComparison.Ordinal))
            return Noise.Randn(shape, seed) * 0.5;
        return Noise.Randn(shape, seed) / Math.Sqrt(fanIn);
    }

    internal static ulong Hash(string s)
    {
        ulong h = 1469598103934665603;
        foreach (var c in s) { h ^= c; h *= 1099511628211; }
        return h;
    }
}
