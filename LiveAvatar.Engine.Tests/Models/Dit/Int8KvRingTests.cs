using LiveAvatar.Engine.Models.Dit;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.Pipelines.Core;
using LiveAvatar.Engine.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveAvatar.Engine.Tests.Models.Dit;

/// <summary>8-bit KV rings (<see cref="KvRingFormat.Int8"/>): the encoding's error bound, the ring's bytes and rules,
/// and a streaming DiT on an 8-bit ring against the same DiT on a ring in the compute dtype.</summary>
[Collection(TorchCollection.Name)]
public sealed class Int8KvRingTests(TinySamplerModels models) : IClassFixture<TinySamplerModels>
{
    private const int Blocks = 7; // the ring is full from the fourth block on, and wraps

    [Fact]
    public void Encoding_keeps_every_element_within_half_a_step_of_its_vector()
    {
        using var scope = torch.NewDisposeScope();
        var x = Noise.Randn([1, 6, 4, 16], 5) * torch.tensor(new float[] { 0.01f, 1f, 30f, 1000f }).view(1, 1, 4, 1);
        x[0, 2, 1] = torch.zeros(16); // an all-zero vector must not divide by zero
        var codes = torch.empty(x.shape, ScalarType.Int8);
        var scales = torch.empty([1, 6, 4], ScalarType.Float32);
        Int8KvRows.Encode(x, codes, scales);
        var back = torch.empty_like(x);
        Int8KvRows.Decode(codes, scales, back);

        var amax = x.abs().amax([-1]);
        Assert.True((codes.to(ScalarType.Int32).abs() <= 127).all().item<bool>());
        // Each vector's largest element is code ±127, so the step is its abs-max / 127.
        Assert.Equal(127, codes.to(ScalarType.Int32).abs().amax([-1])[0, 0, 0].item<int>());
        var error = (back - x).abs().amax([-1]);
        Assert.True((error <= amax / 254 * 1.0001 + 1e-30).all().item<bool>(), $"largest error {error.max().item<float>()}");
        Assert.Equal(0, back[0, 2, 1].abs().sum().item<float>());
    }

    [Fact]
    public void An_8_bit_ring_holds_a_bit_over_half_the_bytes_and_has_no_tail()
    {
        var c = models.Dit.Config;
        long rows = 96;
        var compute = DitRingCache.BytesFor(c, rows, KvRingFormat.Compute, ScalarType.BFloat16);
        var int8 = DitRingCache.BytesFor(c, rows, KvRingFormat.Int8, ScalarType.BFloat16);
        Assert.Equal(compute / 2 + 2L * c.NumLayers * rows * c.NumHeads * 4, int8);
        Assert.Throws<ArgumentException>(() => new DitRingCache(c, 96, CPU, ScalarType.Float32, tailRows: 8, format: KvRingFormat.Int8));
    }

    [Fact]
    public void A_streaming_DiT_on_an_8_bit_ring_stays_within_a_percent_of_the_same_DiT_on_a_full_precision_ring()
    {
        using var scope = torch.NewDisposeScope();
        var (exact, exactRows) = Run(KvRingFormat.Compute);
        var (coded, codedRows) = Run(KvRingFormat.Int8);
        var error = (coded - exact).norm().item<float>() / exact.norm().item<float>();
        Assert.True(error is > 0 and < 0.01f, $"velocities {error:P3} apart (relative L2)");
        // The ring's own rows decode to within the encoding's bound of the full-precision ring's.
        var rowsError = (codedRows - exactRows).abs().max().item<float>();
        Assert.True(rowsError <= exactRows.abs().max().item<float>() / 254 * 1.01, $"ring rows {rowsError} apart");
    }

    // Prefill, then one streaming call per block through one ring of the format: velocities, and the first layer's
    // ring rows in the compute dtype.
    private (Tensor Velocities, Tensor Rows) Run(KvRingFormat format)
    {
        var dit = models.Dit;
        var c = dit.Config;
        int lh = (int)models.RefPixels.shape[2] / 8, lw = (int)models.RefPixels.shape[3] / 8;
        var fsl = dit.FrameSeqLen(lh, lw);
        using var cond = dit.NewCondCache(lh, lw, CPU, ScalarType.Float32);
        using var ring = dit.NewRingCache(lh, lw, 12, CPU, ScalarType.Float32, format: format);
        dit.Prefill(new DitSinkInput(Noise.Randn([c.InDim, 1, lh, lw], 11), Noise.Randn([c.InDim, c.MotionLatentFrames, lh, lw], 12),
            models.Context), cond);
        var velocities = new List<Tensor>();
        for (var b = 0; b < Blocks; b++)
        {
            var input = new DitStreamInput(Noise.Randn([c.InDim, 3, lh, lw], (ulong)(20 + b)), 1000f - 250 * (b % 4), models.Context,
                Noise.Randn([1, c.NumAudioLayers, c.AudioDim, 12], (ulong)(40 + b)), 3 * fsl * b, 4 + b);
            velocities.Add(dit.Forward(input, ring, cond));
        }
        var keys = torch.empty(1, ring.Length, c.NumHeads, c.HeadDim);
        var values = torch.empty(1, ring.Length, c.NumHeads, c.HeadDim);
        ring.Read(0, ring.Length, keys, values);
        return (torch.cat(velocities, 1), torch.cat([keys, values], 1));
    }
}
