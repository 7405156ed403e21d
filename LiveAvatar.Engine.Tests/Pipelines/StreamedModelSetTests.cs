using LiveAvatar.Engine.Pipelines;
using LiveAvatar.Engine.Tests.TestSupport;
using LiveAvatar.Tools.Demo;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveAvatar.Engine.Tests.Pipelines;

/// <summary>A model set loaded for the 24 GB profile's weight streaming (on the CPU here): the LoRA is merged into the
/// weights before they go to host memory, so the streamed blocks compute with exactly the merged weights.</summary>
[Collection(TorchCollection.Name)]
public sealed class StreamedModelSetTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("la-stream-");

    public void Dispose() => _dir.Delete(true);

    [Fact]
    public void A_streamed_set_merges_the_lora_first_and_its_blocks_hold_the_same_weights_as_a_resident_set()
    {
        var ckpt = DemoCheckpoint.Write(Path.Combine(_dir.FullName, "ckpt"));
        var options = new ModelSetOptions(ckpt, torch.CPU, ScalarType.Float32);
        using var resident = ModelSet.Load(options);
        using var streamed = ModelSet.Load(options with { StreamDitWeights = true });
        Assert.Null(resident.Dit.WeightStreamer);
        var streamer = Assert.IsType<LiveAvatar.Engine.Models.Dit.DitWeightStreamer>(streamed.Dit.WeightStreamer);
        Assert.Equal(resident.Lora!.Merged, streamed.Lora!.Merged);
        Assert.True(streamed.Lora.Merged > 0);

        // Block i's host copy is what the resident set computes with (the slots hold blocks 0 and 1 until a forward).
        var blocks = resident.Dit.Blocks.Count;
        var perBlock = resident.Dit.Blocks[0].ComputeTensors().Sum(t => t.Get().NumberOfElements * t.Get().ElementSize);
        Assert.Equal(blocks * perBlock, streamer.HostBytes);
        for (var i = 0; i < 2; i++)
        {
            var want = resident.Dit.Blocks[i].ComputeTensors().Select(t => t.Get()).ToList();
            var got = streamed.Dit.Blocks[i].ComputeTensors().Select(t => t.Get()).ToList();
            for (var k = 0; k < want.Count; k++) Assert.Equal(0, TensorAssert.MaxAbsDiff(want[k], got[k]));
        }
    }
}
