using LiveAvatar.Engine.Pipelines.Core;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Engine.Tests.Pipelines.Core;

[Collection(TorchCollection.Name)]
public sealed class SingleDeviceSamplerTests(TinySamplerModels models) : IClassFixture<TinySamplerModels>
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void Memory_returns_to_the_same_level_after_every_clip_and_to_the_start_after_the_run(bool online, bool offload)
    {
        using var audio = models.Audio(6);
        var before = LiveTensors.Settled();
        var perClip = new List<long>();
        var frames = new List<long>();
        var steps = 0;
        foreach (var e in models.Sampler(offload).Run(models.Inputs(6, online, audio), new SeededRandomness(3), CancellationToken.None))
        {
            if (e is SamplerStep) steps++;
            if (e is not SamplerClip clip) continue;
            frames.Add(clip.Video.shape[1]);
            Assert.Equal([16, 3, 8, 8], clip.Latents.shape);
            clip.Latents.Dispose();
            clip.Video.Dispose();
            perClip.Add(Tensor.TotalCount);
        }
        Assert.Equal([9L, 12, 12, 12, 12, 12], frames);
        Assert.Equal(6 * 1 * 2, steps);
        Assert.All(perClip, n => Assert.Equal(perClip[0], n));
        Assert.Equal(before, Tensor.TotalCount);
    }

    [Fact]
    public void The_same_seed_gives_the_same_video_and_another_seed_a_different_one()
    {
        using var audio = models.Audio(2);
        using var a = Video(audio, 11);
        using var b = Video(audio, 11);
        using var c = Video(audio, 12);
        Assert.Equal(0, TensorAssert.MaxAbsDiff(a, b));
        Assert.True(TensorAssert.MaxAbsDiff(a, c) > 1e-3, "another seed should change the video");
    }

    [Fact]
    public void Cancelling_between_blocks_throws_and_frees_every_tensor()
    {
        using var audio = models.Audio(3);
        var before = LiveTensors.Settled();
        using var cts = new CancellationTokenSource();
        var seen = 0;
        Assert.Throws<OperationCanceledException>(() =>
        {
            foreach (var e in models.Sampler().Run(models.Inputs(3, false, audio), new SeededRandomness(1), cts.Token))
            {
                seen++;
                if (e is SamplerClip clip)
                {
                    clip.Latents.Dispose();
                    clip.Video.Dispose();
                    cts.Cancel();
                }
            }
        });
        Assert.Equal(3, seen); // two steps and the first clip
        Assert.Equal(before, Tensor.TotalCount);
    }

    [Fact]
    public void Audio_shorter_than_the_requested_clips_is_rejected_before_any_work()
    {
        using var audio = models.Audio(1);
        var ex = Assert.Throws<ArgumentException>(() => models.Sampler().Run(models.Inputs(2, false, audio), new SeededRandomness(1)).First());
        Assert.Contains("AudioEmbedding covers 12 frames", ex.Message);
    }

    private Tensor Video(Tensor audio, ulong seed)
    {
        var clips = new List<Tensor>();
        foreach (var e in models.Sampler().Run(models.Inputs(2, false, audio), new SeededRandomness(seed)))
        {
            if (e is not SamplerClip clip) continue;
            clip.Latents.Dispose();
            clips.Add(clip.Video);
        }
        using var scope = torch.NewDisposeScope();
        var video = torch.cat(clips, 1).DetachFromDisposeScope();
        foreach (var c in clips) c.Dispose();
        return video;
    }
}
