using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Models.Dit;
using LiveAvatar.Engine.Runtime;
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
                    Expect(Same(a, b), $"pass {pass}: max |diff| {(a - b).abs().max().item<float>()}");
                }
            }
            finally
            {
                streamer.Dispose(); // first: it waits for the copies still queued into the slots the layers free
                foreach (var l in resident.Concat(streamed)) l.Dispose();
            }
        });
    }
}
