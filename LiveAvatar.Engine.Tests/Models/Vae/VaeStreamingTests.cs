using LiveAvatar.Tools.Parity;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Engine.Tests.Models.Vae;

[Collection(TorchCollection.Name)]
public sealed class VaeStreamingTests
{
    [Fact]
    public void Streaming_in_blocks_after_priming_equals_one_batch_decode()
    {
        using var folder = new GoldenFolder(VaeGolden.VaeDir);
        using var vae = VaeGolden.LoadTiny(folder);
        using var scope = torch.NewDisposeScope();
        var z = Noise.Randn([vae.Config.ZDim, 8, 2, 3], 7);

        using var stream = vae.CreateStreamDecoder();
        var parts = new[] { (0, 3), (3, 2), (5, 3) }.Select(p => stream.Decode(z.narrow(1, p.Item1, p.Item2))).ToList();
        var batch = vae.Decode(z);

        Assert.Equal([3L, 9, 16, 24], parts[0].shape);
        Assert.Equal([3L, 8, 16, 24], parts[1].shape);
        Assert.Equal(0.0, TensorAssert.MaxAbsDiff(batch, torch.cat(parts, 1)));
        Assert.Equal(8, stream.LatentsDecoded);
    }

    [Fact]
    public void A_reset_stream_starts_over_with_the_first_chunk_path()
    {
        using var folder = new GoldenFolder(VaeGolden.VaeDir);
        using var vae = VaeGolden.LoadTiny(folder);
        using var scope = torch.NewDisposeScope();
        var z = Noise.Randn([vae.Config.ZDim, 2, 2, 2], 8);
        using var stream = vae.CreateStreamDecoder();

        var first = stream.Decode(z);
        stream.Reset();
        var again = stream.Decode(z);

        Assert.Equal(5, first.shape[1]);
        Assert.Equal(0.0, TensorAssert.MaxAbsDiff(first, again));
    }

    [Fact]
    public void Streaming_twenty_blocks_keeps_the_live_tensor_count_flat()
    {
        using var folder = new GoldenFolder(VaeGolden.VaeDir);
        using var vae = VaeGolden.LoadTiny(folder);
        using var z = Noise.Randn([vae.Config.ZDim, 3, 1, 1], 9);
        var before = VaeGolden.SettledLiveCount();
        var counts = new List<long>();

        using (var stream = vae.CreateStreamDecoder())
        {
            for (var block = 0; block < 20; block++)
            {
                using var frames = stream.Decode(z);
                counts.Add(Tensor.TotalCount);
            }
        }

        Assert.All(counts.Skip(2), c => Assert.Equal(counts[2], c));
        Assert.Equal(before, Tensor.TotalCount);
    }

    [Fact]
    public void Encode_and_decode_leave_no_tensor_behind()
    {
        using var folder = new GoldenFolder(VaeGolden.VaeDir);
        using var vae = VaeGolden.LoadTiny(folder);
        using var scope = torch.NewDisposeScope();
        var video = Noise.Rand([3, 5, 16, 16], 3) * 2 - 1;
        var before = VaeGolden.SettledLiveCount();

        using (var latents = vae.Encode(video))
        using (var back = vae.Decode(latents))
            Assert.Equal([3L, 5, 16, 16], back.shape);

        Assert.Equal(before, Tensor.TotalCount);
    }
}
