using LiveAvatar.Engine.Models.Fp8;
using static TorchSharp.torch;

namespace LiveAvatar.Engine.Models.Dit;

public sealed partial class CausalWanModelS2V
{
    /// <summary>
    /// Puts a model loaded on the CPU (LoRA already merged) on <paramref name="device"/> with its blocks streamed from
    /// host memory: everything outside the blocks moves to the device, then each block in turn moves there, is
    /// quantised to FP8 when <paramref name="fp8"/> says so, and is handed to a <see cref="DitWeightStreamer"/>, so at
    /// most three blocks are ever on the device. Returns the FP8 report (null without FP8).
    /// </summary>
    public Fp8ConversionReport? StreamBlocks(Device device, bool fp8)
    {
        if (WeightStreamer is not null) throw new InvalidOperationException("the blocks already stream");
        var streamer = new DitWeightStreamer(Blocks.Count, device);
        try
        {
            MoveTo(device, key => !key.StartsWith("blocks.", StringComparison.Ordinal));
            var converted = new List<Fp8ConversionReport>();
            if (fp8) converted.Add(Fp8Conversion.Apply(this, name => !name.StartsWith("blocks.", StringComparison.Ordinal)));
            for (var i = 0; i < Blocks.Count; i++)
            {
                Blocks[i].MoveTo(device);
                if (fp8) converted.Add(Fp8Conversion.Apply(this, name => name.StartsWith($"blocks.{i}.", StringComparison.Ordinal)));
                streamer.Adopt(i, Blocks[i]);
            }
            WeightStreamer = streamer;
            return fp8
                ? new Fp8ConversionReport(converted.Sum(r => r.Converted), converted.SelectMany(r => r.Skipped).ToList(), converted.Sum(r => r.BytesSaved))
                : null;
        }
        catch
        {
            streamer.Dispose();
            throw;
        }
    }

    // Weights and the ring's rows that are not resident arrive before the block runs; once it is queued their slots
    // are written back (ring rows) and refilled with a later block's.
    private Tensor RunBlock(int index, Tensor x, DitBlockContext ctx)
    {
        var rows = ctx.Ring?.Residency;
        WeightStreamer?.BeforeBlock(index);
        rows?.BeforeBlock(index);
        var y = Blocks[index].Forward(x, ctx, index);
        WeightStreamer?.AfterBlock(index);
        rows?.AfterBlock(index);
        return y;
    }

    public override void Dispose()
    {
        // The streamer first: it waits for copies still queued into the slot tensors that the blocks free next.
        WeightStreamer?.Dispose();
        WeightStreamer = null;
        base.Dispose();
    }
}
