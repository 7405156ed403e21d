using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Runtime;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LiveAvatar.Tools.SelfChecks;

public static partial class TorchSelfTest
{
    private static IEnumerable<(string, Action)> Checks(Device dev)
    {
        yield return ("fp32 matmul equals the host product", () =>
        {
            var x = Seq(48 * 40); var y = Seq(40 * 24, offset: 1);
            Close(HostMatMul(x, y, 48, 40, 24), On(x, [48, 40], ScalarType.Float32, dev).matmul(On(y, [40, 24], ScalarType.Float32, dev)), 1e-2, "matmul"); // TF32 may be on for CUDA
        });
        yield return ("bf16 matmul stays within bf16 rounding", () =>
        {
            var x = Seq(64 * 64); var y = Seq(64 * 64, offset: 2);
            Close(HostMatMul(x, y, 64, 64, 64), On(x, [64, 64], ScalarType.BFloat16, dev).matmul(On(y, [64, 64], ScalarType.BFloat16, dev)), 3e-2, "bf16 matmul");
        });
        yield return ("linear with bias adds the bias per output", () =>
        {
            var x = Seq(4 * 8); var w = Seq(3 * 8, offset: 3); var b = new double[] { 1, -2, 0.5 };
            var got = F.linear(On(x, [4, 8], ScalarType.Float64, dev), On(w, [3, 8], ScalarType.Float64, dev), On(b, [3], ScalarType.Float64, dev));
            var wt = new double[8 * 3];
            for (var i = 0; i < 3; i++) for (var j = 0; j < 8; j++) wt[j * 3 + i] = w[i * 8 + j];
            Close(HostMatMul(x, wt, 4, 8, 3).Select((v, i) => v + b[i % 3]).ToArray(), got, 1e-12, "linear");
        });
        foreach (var dt in new[] { ScalarType.Float32, ScalarType.BFloat16 })
            yield return ($"attention ({DTypeNames.Name(dt)}) equals host softmax attention", () =>
            {
                const int lq = 24, lk = 40, d = 64;
                var q = Seq(lq * d, 0.3); var k = Seq(lk * d, 0.3, 1); var v = Seq(lk * d, 1, 2);
                var got = F.scaled_dot_product_attention(On(q, [1, 1, lq, d], dt, dev), On(k, [1, 1, lk, d], dt, dev), On(v, [1, 1, lk, d], dt, dev));
                Close(HostAttention(q, k, v, lq, lk, d), got, dt == ScalarType.Float32 ? 2e-3 : 5e-2, "sdpa");
            });
        yield return ("conv3d temporal kernel sums frames", () =>
        {
            var x = On([1, 2, 4, 8, 16], [1, 1, 5, 1, 1], ScalarType.Float32, dev);
            Close([7, 14, 28], F.conv3d(x, ones([1, 1, 3, 1, 1], ScalarType.Float32, dev)), 1e-6, "conv3d");
        });
        yield return ("layer norm uses population variance", () =>
        {
            var ln = F.layer_norm(On([1, 2, 3, 4], [1, 4], ScalarType.Float32, dev), [4], eps: 1e-6);
            Close(new double[] { 1, 2, 3, 4 }.Select(a => (a - 2.5) / Math.Sqrt(1.25 + 1e-6)).ToArray(), ln, 1e-5, "layer_norm");
        });
        yield return ("rope rotates adjacent pairs", () =>
        {
            double[] x = [1, 2, 3, 4]; double[] ang = [0.3, -1.2];
            var got = Rope.RotatePairs(On(x, [1, 4], ScalarType.Float32, dev), On(ang.Select(Math.Cos).ToArray(), [1, 2], ScalarType.Float32, dev),
                On(ang.Select(Math.Sin).ToArray(), [1, 2], ScalarType.Float32, dev));
            var z0 = new System.Numerics.Complex(1, 2) * System.Numerics.Complex.FromPolarCoordinates(1, 0.3);
            var z1 = new System.Numerics.Complex(3, 4) * System.Numerics.Complex.FromPolarCoordinates(1, -1.2);
            Close([z0.Real, z0.Imaginary, z1.Real, z1.Imaginary], got, 1e-5, "rope");
        });
        yield return ("nearest-exact upsampling doubles each pixel", () =>
        {
            var img = On([1, 2, 3, 4], [1, 1, 2, 2], ScalarType.Float32, dev);
            Close([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4], F.interpolate(img, scale_factor: [2.0, 2.0], mode: InterpolationMode.NearestExact), 0, "interp");
        });
        yield return ("seeded noise is identical on cpu and the device, and equal to PyTorch's", () =>
        {
            var a = HostArrays.Read<float>(Noise.Randn([16, 3, 8, 8], 1234, ScalarType.Float32, dev));
            var b = HostArrays.Read<float>(Noise.Randn([16, 3, 8, 8], 1234));
            Expect(a.SequenceEqual(b), "noise differs between devices");
            // torch.randn(5, generator=torch.Generator().manual_seed(42))
            Close([0.33669037, 0.12880941, 0.23446237, 0.23033303, -1.12285638], Noise.Randn([5], 42), 1e-7, "randn(seed 42)");
        });
        foreach (var c in CudaChecks(dev)) yield return c;
        foreach (var c in FusedKernelChecks(dev)) yield return c;
        foreach (var c in FusedVaeChecks(dev)) yield return c;
        foreach (var c in Fp8QuantisationChecks(dev)) yield return c;
        foreach (var c in Fp8LinearChecks(dev)) yield return c;
        foreach (var c in RopeChecks(dev)) yield return c;
        foreach (var c in WeightStreamingChecks(dev)) yield return c;
    }
}
