using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Models.Dit;
using LiveAvatar.Engine.Pipelines.Core;
using LiveAvatar.Engine.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveAvatar.Tools.SelfChecks;

public static partial class TorchSelfTest
{
    // The memory profiles' weight streaming on the real device: eight large layers through two slots, the next one
    // copied from pinned host memory on a stream of its own while the current one runs. A missing wait between the
    // streams would let a layer compute with a half-copied weight; two passes also cover the prefetch across the end
    // of a forward into the next one.
    private static IEnumerable<(string, Action)> WeightStreamingChecks(Device dev)
    {
        yield return ("weight streaming: layers through two slots on a copy stream compute what resident layers do", () =>
        {
            const int layers = 8, width = 4096;
            var dtype = dev.type == TorchSharp.DeviceType.CUDA ? ScalarType.BFloat16 : ScalarType.Float32;
            Linear Layer(int i)
            {
                var l = new Linear(width, width);
                l.Weight.Set(Noise.Randn([width, width], 100 + (ulong)i, dtype, dev) * (1.0 / 64));
                l.Bias!.Set(Noise.Randn([width], 200 + (ulong)i, dtype, dev) * 0.02);
                return l;
            }
            var resident = Enumerable.Range(0, layers).Select(Layer).ToList();
            var streamed = Enumerable.Range(0, layers).Select(Layer).ToList();
            var streamer = new DitWeightStreamer(layers, dev);
            try
            {
                for (var i = 0; i < layers; i++) streamer.Adopt(i, streamed[i]);
                var x = Noise.Randn([1024, width], 7, dtype, dev);
                for (var pass = 0; pass < 2; pass++)
                {
                    var (a, b) = (x, x);
                    for (var i = 0; i < layers; i++)
                    {
                        a = resident[i].Forward(a);
                        streamer.BeforeBlock(i);
                        b = streamed[i].Forward(b);
                        streamer.AfterBlock(i);
                    }
                    Expect(Same(a, b), $"pass {pass}: max |diff| {(a - b).abs().max().to(ScalarType.Float32).item<float>()}");
                }
            }
            finally
            {
                streamer.Dispose(); // first: it waits for the copies still queued into the slots the layers free
                foreach (var l in resident.Concat(streamed)) l.Dispose();
            }
        });
        yield return ("KV ring streaming: rows through two slots on a copy stream and written rows back to host memory match a resident ring, bf16 and 8-bit", () =>
        {
            StreamKvRing(dev, KvRingFormat.Compute);
            StreamKvRing(dev, KvRingFormat.Int8);
        });
    }

    // Eight layers, a ring of four 256-token blocks, six forwards (the ring wraps): each forward reads its active rows
    // of every layer and writes one block, on the streamed ring and on a resident one alike, in the given format.
    private static void StreamKvRing(Device dev, KvRingFormat format)
    {
        const int blockTokens = 256, ringTokens = 4 * blockTokens, forwards = 6;
        var config = DitConfig.Wan14B with { NumLayers = 8 };
        var dtype = dev.type == TorchSharp.DeviceType.CUDA ? ScalarType.BFloat16 : ScalarType.Float32;
        using var host = new DitRingCache(config, ringTokens, CPU, dtype, pinnedHost: dev.type == TorchSharp.DeviceType.CUDA, format: format);
        using var resident = new DitRingCache(config, ringTokens, dev, dtype, format: format);
        var streamer = new RingLayerStreamer(config, ringTokens, dev, dtype, format: format);
        var (got, want) = (new List<Tensor>(), new List<Tensor>());
        Tensor Sum(DitRingCache ring, int layer, int active)
        {
            var (k, v) = (torch.empty(1, active, config.NumHeads, config.HeadDim, dtype, dev), torch.empty(1, active, config.NumHeads, config.HeadDim, dtype, dev));
            ring.Read(layer, active, k, v);
            return k.to(ScalarType.Float32).sum() + v.to(ScalarType.Float32).sum();
        }
        try
        {
            for (var f = 0; f < forwards; f++)
            {
                var (start, active) = resident.Slot(f * blockTokens, blockTokens);
                var working = streamer.Begin(host, active, start, blockTokens);
                for (var l = 0; l < config.NumLayers; l++)
                {
                    streamer.BeforeBlock(l);
                    got.Add(Sum(working, l, active));
                    want.Add(Sum(resident, l, active));
                    var rows = Noise.Randn([1, blockTokens, config.NumHeads, config.HeadDim], (ulong)(1000 * f + l), dtype, dev);
                    foreach (var ring in new[] { working, resident }) ring.Write(l, start, rows, rows * 0.5);
                    streamer.AfterBlock(l);
                }
            }
        }
        finally
        {
            streamer.Dispose(); // waits for the last write-backs
        }
        for (var i = 0; i < got.Count; i++) Expect(Same(got[i], want[i]), $"{format}: read {i}: {got[i].item<float>()} instead of {want[i].item<float>()}");
        for (var l = 0; l < config.NumLayers; l++)
        {
            Expect(Same(host.K(l), resident.K(l).cpu()) && Same(host.V(l), resident.V(l).cpu()), $"{format}: layer {l}'s rows in host memory differ");
            if (format == KvRingFormat.Int8)
                Expect(Same(host.KScale(l), resident.KScale(l).cpu()) && Same(host.VScale(l), resident.VScale(l).cpu()), $"layer {l}'s scales in host memory differ");
        }
    }
}
