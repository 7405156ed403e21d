using LiveAvatar.Engine.Tensors;

namespace LiveAvatar.Cli.Commands;

public static partial class SelfTestCommand
{
    private static IEnumerable<(string, Action)> Checks(Device dev)
    {
        yield return ("fp32 matmul equals the host product", () =>
        {
            var x = Seq(48 * 40); var y = Seq(40 * 24, offset: 1);
            var got = Tensor.FromArray(x, [48, 40], DType.Float32, dev).MatMul(Tensor.FromArray(y, [40, 24], DType.Float32, dev)).ToArray<double>();
            Close(HostMatMul(x, y, 48, 40, 24), got, 1e-2, "matmul"); // TF32 may be on for CUDA matmul
        });
        yield return ("bf16 matmul stays within bf16 rounding", () =>
        {
            var x = Seq(64 * 64); var y = Seq(64 * 64, offset: 2);
            var got = Tensor.FromArray(x, [64, 64], DType.BFloat16, dev).MatMul(Tensor.FromArray(y, [64, 64], DType.BFloat16, dev)).ToArray<double>();
            Close(HostMatMul(x, y, 64, 64, 64), got, 3e-2, "bf16 matmul");
        });
        yield return ("linear with bias adds the bias per output", () =>
        {
            var x = Seq(4 * 8); var w = Seq(3 * 8, offset: 3); var b = new double[] { 1, -2, 0.5 };
            var got = NN.Linear(Tensor.FromArray(x, [4, 8], DType.Float64, dev), Tensor.FromArray(w, [3, 8], DType.Float64, dev), Tensor.FromArray(b, null, DType.Float64, dev)).ToArray<double>();
            var wt = new double[8 * 3];
            for (var i = 0; i < 3; i++) for (var j = 0; j < 8; j++) wt[j * 3 + i] = w[i * 8 + j];
            Close(HostMatMul(x, wt, 4, 8, 3).Select((v, i) => v + b[i % 3]).ToArray(), got, 1e-12, "linear");
        });
        foreach (var dt in new[] { DType.Float32, DType.BFloat16 })
            yield return ($"attention ({dt.Name()}, {(Torch.HasFusedAttention ? "fused" : "composite")}) equals host softmax attention", () =>
            {
                const int lq = 24, lk = 40, d = 64;
                var q = Seq(lq * d, 0.3); var k = Seq(lk * d, 0.3, 1); var v = Seq(lk * d, 1, 2);
                var got = NN.ScaledDotProductAttention(Tensor.FromArray(q, [1, 1, lq, d], dt, dev), Tensor.FromArray(k, [1, 1, lk, d], dt, dev),
                    Tensor.FromArray(v, [1, 1, lk, d], dt, dev)).ToArray<double>();
                Close(HostAttention(q, k, v, lq, lk, d), got, dt == DType.Float32 ? 2e-3 : 5e-2, "sdpa");
            });
        yield return ("conv3d temporal kernel sums frames", () =>
        {
            var x = Tensor.FromArray(new double[] { 1, 2, 4, 8, 16 }, [1, 1, 5, 1, 1], DType.Float32, dev);
            Close([7, 14, 28], NN.Conv3d(x, Tensor.Ones([1, 1, 3, 1, 1], DType.Float32, dev), null).ToArray<double>(), 1e-6, "conv3d");
        });
        yield return ("layer norm uses population variance", () =>
        {
            var ln = NN.LayerNorm(Tensor.FromArray(new double[] { 1, 2, 3, 4 }, [1, 4], DType.Float32, dev), [4], eps: 1e-6).ToArray<double>();
            Close(new double[] { 1, 2, 3, 4 }.Select(a => (a - 2.5) / Math.Sqrt(1.25 + 1e-6)).ToArray(), ln, 1e-5, "layer_norm");
        });
        yield return ("rope rotates adjacent pairs", () =>
        {
            double[] x = [1, 2, 3, 4]; double[] ang = [0.3, -1.2];
            var got = NN.RopePairs(Tensor.FromArray(x, [1, 4], DType.Float32, dev), Tensor.FromArray(ang.Select(Math.Cos).ToArray(), [1, 2], DType.Float32, dev),
                Tensor.FromArray(ang.Select(Math.Sin).ToArray(), [1, 2], DType.Float32, dev)).ToArray<double>();
            var z0 = new System.Numerics.Complex(1, 2) * System.Numerics.Complex.FromPolarCoordinates(1, 0.3);
            var z1 = new System.Numerics.Complex(3, 4) * System.Numerics.Complex.FromPolarCoordinates(1, -1.2);
            Close([z0.Real, z0.Imaginary, z1.Real, z1.Imaginary], got, 1e-5, "rope");
        });
        yield return ("nearest-exact upsampling doubles each pixel", () =>
        {
            var img = Tensor.FromArray(new double[] { 1, 2, 3, 4 }, [1, 1, 2, 2], DType.Float32, dev);
            Close([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4], NN.Interpolate(img, [2.0, 2.0], InterpolationMode.NearestExact).ToArray<double>(), 0, "interp");
        });
        yield return ("seeded noise is identical on cpu and the device", () =>
        {
            var a = Tensor.RandN([16, 3, 8, 8], 1234, DType.Float32, dev).ToArray<float>();
            var b = Tensor.RandN([16, 3, 8, 8], 1234).ToArray<float>();
            Expect(a.SequenceEqual(b), "noise differs between devices");
        });
        foreach (var c in CudaChecks(dev)) yield return c;
    }
}
