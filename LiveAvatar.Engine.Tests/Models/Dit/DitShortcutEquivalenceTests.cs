using LiveAvatar.Engine.Models.Dit;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.Pipelines.Core;
using LiveAvatar.Engine.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveAvatar.Engine.Tests.Models.Dit;

/// <summary>The DiT's reuse shortcuts (<see cref="DitShortcut"/>) change where work happens, never the numbers.</summary>
[Collection(TorchCollection.Name)]
public sealed class DitShortcutEquivalenceTests(TinySamplerModels models) : IClassFixture<TinySamplerModels>
{
    private const int Blocks = 7; // a 12-frame ring of 3-frame blocks is full from the fourth block on
    private const int RefillBefore = 5; // a second prefill (the sink refresh of a later clip) before this block

    [Fact]
    public void Ring_tails_and_kept_text_keys_and_time_embeddings_give_the_same_velocities_and_rings_as_without()
    {
        using var scope = torch.NewDisposeScope();
        var with = Run([]);
        var without = Run([DitShortcut.RingTail, DitShortcut.TextKeys, DitShortcut.TimeEmbeddings]);

        Assert.Equal((true, true, Blocks - 3), (with.Tail, with.HeldText, with.InPlaceBlocks));
        Assert.Equal((false, false, 0), (without.Tail, without.HeldText, without.InPlaceBlocks));
        Assert.Equal(0, TensorAssert.MaxAbsDiff(with.Velocities, without.Velocities));
        Assert.Equal(0, TensorAssert.MaxAbsDiff(with.Rows, without.Rows));
    }

    // Prefill, then one streaming call per block through one ring: velocities [C, 3·Blocks, H, W], the ring's own
    // rows of the first and last layer, whether it had a tail and held the text keys, and how many calls read in place.
    private (Tensor Velocities, Tensor Rows, bool Tail, bool HeldText, int InPlaceBlocks) Run(DitShortcut[] off)
    {
        var previous = DitShortcuts.SetOff(off);
        try
        {
            var dit = models.Dit;
            var c = dit.Config;
            int lh = (int)models.RefPixels.shape[2] / 8, lw = (int)models.RefPixels.shape[3] / 8;
            var fsl = dit.FrameSeqLen(lh, lw);
            using var cond = dit.NewCondCache(lh, lw, CPU, ScalarType.Float32);
            using var ring = dit.NewRingCache(lh, lw, 12, CPU, ScalarType.Float32, sinkTail: !DitShortcuts.IsOff(DitShortcut.RingTail));
            void Prefill(ulong seed) => dit.Prefill(new DitSinkInput(Noise.Randn([c.InDim, 1, lh, lw], seed),
                Noise.Randn([c.InDim, c.MotionLatentFrames, lh, lw], seed + 1), models.Context), cond);
            Prefill(11);
            var velocities = new List<Tensor>();
            var inPlace = 0;
            for (var b = 0; b < Blocks; b++)
            {
                if (b == RefillBefore) Prefill(13); // new sink values: a ring's tail must take them again
                var start = 3 * fsl * b;
                var (_, active) = ring.Slot(start, 3 * fsl);
                if (ring.ReadsInPlace(active, cond.End)) inPlace++;
                var input = new DitStreamInput(Noise.Randn([c.InDim, 3, lh, lw], (ulong)(20 + b)), 1000f - 250 * (b % 4), models.Context,
                    Noise.Randn([1, c.NumAudioLayers, c.AudioDim, 12], (ulong)(40 + b)), start, 4 + b);
                velocities.Add(dit.Forward(input, ring, cond));
            }
            var last = c.NumLayers - 1;
            var rows = torch.cat(new[] { ring.K(0), ring.V(0), ring.K(last), ring.V(last) }.Select(t => t.narrow(1, 0, ring.Length)).ToArray(), 0);
            return (torch.cat(velocities, 1), rows, ring.K(0).shape[1] > ring.Length, cond.HoldsTextOf(models.Context), inPlace);
        }
        finally
        {
            DitShortcuts.SetOff(previous);
        }
    }
}
