using LiveAvatar.Engine.Models.Dit;
using LiveAvatar.Engine.Pipelines.Core;
using LiveAvatar.Engine.Tests.TestSupport;
using LiveAvatar.Tools.Parity;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveAvatar.Engine.Tests.Pipelines.Core;

/// <summary>The memory profiles' savings on the CPU: weight streaming runs the same schedule as on a GPU (two device
/// slots, block i+2 copied into block i's slot once block i is queued) with synchronous copies; KV rings kept off the
/// device run the same partial write-back.</summary>
[Collection(TorchCollection.Name)]
public sealed class MemorySavingSamplerTests(TinySamplerModels models) : IClassFixture<TinySamplerModels>
{
    [Fact]
    public void A_streamed_dit_makes_the_same_video_as_a_resident_one_over_two_clips()
    {
        using var audio = models.Audio(2);
        using var golden = new GoldenFolder(GoldenPaths.Folder("sampler_e2e"));
        using var streamedDit = SamplerE2eParityRunner.LoadDit(golden, torch.CPU);
        Assert.Null(streamedDit.StreamBlocks(torch.CPU, fp8: false));
        Assert.True(streamedDit.Blocks.Count > 2, "the fixture needs more blocks than slots for streaming to swap any");

        var resident = Videos(models.Dit, audio);
        var streamed = Videos(streamedDit, audio);
        try
        {
            Assert.Equal(resident.Count, streamed.Count);
            for (var i = 0; i < resident.Count; i++) Assert.Equal(0, TensorAssert.MaxAbsDiff(resident[i], streamed[i]));
        }
        finally
        {
            foreach (var t in resident.Concat(streamed)) t.Dispose();
        }
    }

    [Fact]
    public void Blocks_past_the_first_two_compute_with_their_slot_s_tensors_and_the_host_keeps_a_copy_of_every_block()
    {
        using var golden = new GoldenFolder(GoldenPaths.Folder("sampler_e2e"));
        using var dit = SamplerE2eParityRunner.LoadDit(golden, torch.CPU);
        var perBlock = dit.Blocks[0].ComputeTensors().Sum(t => t.Get().NumberOfElements * t.Get().ElementSize);
        dit.StreamBlocks(torch.CPU, fp8: false);
        var streamer = dit.WeightStreamer!;
        for (var i = 2; i < dit.Blocks.Count; i++)
            Assert.Same(dit.Blocks[i % 2].SelfAttn.Q.Weight.T, dit.Blocks[i].SelfAttn.Q.Weight.T);
        Assert.NotSame(dit.Blocks[0].SelfAttn.Q.Weight.T, dit.Blocks[1].SelfAttn.Q.Weight.T);
        Assert.Equal(dit.Blocks.Count * perBlock, streamer.HostBytes);
        Assert.Equal(2 * perBlock, streamer.DeviceBytes);
    }

    [Fact]
    public void Kv_rings_in_host_memory_written_back_one_block_at_a_time_make_the_same_video_as_resident_rings()
    {
        // Five one-block clips: the 4-block ring fills and wraps, so every row read back was written back by an
        // earlier call's partial write-back.
        using var audio = models.Audio(5);
        var resident = Videos(models.Dit, audio, clips: 5);
        var offloaded = Videos(models.Dit, audio, clips: 5, offloadKv: true);
        try
        {
            Assert.Equal(5, offloaded.Count);
            for (var i = 0; i < resident.Count; i++) Assert.Equal(0, TensorAssert.MaxAbsDiff(resident[i], offloaded[i]));
        }
        finally
        {
            foreach (var t in resident.Concat(offloaded)) t.Dispose();
        }
    }

    private List<Tensor> Videos(CausalWanModelS2V dit, Tensor audio, int clips = 2, bool offloadKv = false)
    {
        var sampler = new SingleDeviceSampler(dit, models.Vae, torch.CPU, ScalarType.Float32, offloadKv);
        var videos = new List<Tensor>();
        foreach (var e in sampler.Run(models.Inputs(clips, online: false, audio), new SeededRandomness(11), CancellationToken.None))
        {
            if (e is not SamplerClip clip) continue;
            clip.Latents.Dispose();
            videos.Add(clip.Video);
        }
        return videos;
    }
}
