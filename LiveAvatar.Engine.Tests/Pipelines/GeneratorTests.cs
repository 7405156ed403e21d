using LiveAvatar.Engine.Pipelines;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Engine.Tests.Pipelines;

[Collection(TorchCollection.Name)]
public sealed class GeneratorTests(GeneratorFixture f) : IClassFixture<GeneratorFixture>
{
    private static async Task<List<GenerationUpdate>> Collect(IVideoGenerator g, GenerationRequest r, CancellationToken ct = default)
    {
        var list = new List<GenerationUpdate>();
        await foreach (var u in g.GenerateAsync(r, ct)) list.Add(u);
        return list;
    }

    private static string FrameMd5(string mp4) => GeneratorFixture.Run("ffmpeg", "-nostdin", "-v", "error", "-i", mp4, "-map", "0:v", "-f", "md5", "-");

    [Fact]
    public async Task Two_clips_make_93_frames_at_25_fps_with_aac_audio_and_stream_each_block_first()
    {
        var updates = await Collect(f.Generator, f.Request(420, 2, "two"));
        var started = Assert.IsType<GenerationStarted>(updates[0]);
        Assert.True(started.Untrained);
        Assert.Equal(2, started.Clips);
        Assert.Equal(93, started.TotalFrames);
        Assert.Contains("CPU run keeps everything in host memory", started.Memory?.Summary); // the job says what its profile decided
        var preview = updates.OfType<PreviewReady>().Single();
        Assert.NotEmpty(preview.InitSegment);
        Assert.StartsWith("video/mp4; codecs=\"avc1.", preview.MimeType);
        Assert.True(updates.IndexOf(preview) < updates.FindIndex(u => u is ClipReady), "the init segment comes first");
        // Block streaming: a preview segment per 12-frame block (the very first block 9 frames), 4 blocks a clip.
        var segments = updates.OfType<ClipReady>().ToList();
        Assert.Equal(Enumerable.Range(0, 8), segments.Select(c => c.Index));
        Assert.Equal([9, 12, 12, 12, 12, 12, 12, 12], segments.Select(c => c.FrameCount));
        Assert.Equal([0, 9, 21, 33, 45, 57, 69, 81], segments.Select(c => c.FirstFrame));
        var done0 = (GenerationCompleted)updates[^1];
        Assert.True(done0.TimeToFirstClip < done0.Elapsed, "the first block is delivered before the job ends");
        var progress = updates.OfType<GenerationProgress>().ToList();
        Assert.Equal(2 * 4 * 4, progress.Count);
        Assert.Equal(1.0, progress[^1].Fraction, 6);
        var done = Assert.IsType<GenerationCompleted>(updates[^1]);
        var probe = GeneratorFixture.Run("ffprobe", "-v", "error", "-count_frames", "-show_entries",
            "stream=codec_type,codec_name,nb_read_frames,r_frame_rate", "-of", "csv=p=0", done.VideoPath);
        Assert.Contains("video,h264,25/1,93", probe.Replace("h264,video", "video,h264"));
        Assert.Contains("aac", probe);
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_video_and_another_seed_a_different_one()
    {
        var a = (GenerationCompleted)(await Collect(f.Generator, f.Request(7, 1, "a")))[^1];
        var b = (GenerationCompleted)(await Collect(f.Generator, f.Request(7, 1, "b")))[^1];
        var c = (GenerationCompleted)(await Collect(f.Generator, f.Request(8, 1, "c")))[^1];
        Assert.Equal(FrameMd5(a.VideoPath), FrameMd5(b.VideoPath));
        Assert.NotEqual(FrameMd5(a.VideoPath), FrameMd5(c.VideoPath));
    }

    [Fact]
    public async Task Cancelling_during_the_second_clip_keeps_the_first_and_frees_the_job_memory()
    {
        var models = f.Generator.EnsureLoaded(f.Request(1, 3, "x"));
        var heldBefore = models.SinkCache.HeldTensors;
        var live = LiveTensors.Settled() - heldBefore;
        using var cts = new CancellationTokenSource();
        var seen = new List<GenerationUpdate>();
        var request = f.Request(1, 3, "cancelled");
        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var u in f.Generator.GenerateAsync(request, cts.Token))
            {
                seen.Add(u);
                if (u is GenerationProgress { Clip: 2 }) cts.Cancel();
            }
        });
        // The sampler stops within a block of the cancel; the blocks decoded before it are kept in the MP4 (whole
        // blocks: the first of 9 frames, then 12 each), never all 3 clips. A block's preview segment is announced
        // when the next block reaches the encoder, so at most as many segments were announced as blocks were kept.
        Assert.DoesNotContain(seen, u => u is GenerationCompleted);
        Assert.Contains("finished so far", e.Message);
        var probe = GeneratorFixture.Run("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v",
            "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", request.OutputPath!);
        var keptFrames = int.Parse(probe.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(keptFrames, 9, 45 + 48 + 48 - 1);
        Assert.Equal(0, (keptFrames - 9) % 12);
        Assert.InRange(seen.OfType<ClipReady>().Count(), 0, (keptFrames - 9) / 12 + 1);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        // The model set keeps the picture's reference encodes for the next job (not the job's memory).
        var heldAfter = f.Generator.EnsureLoaded(request).SinkCache.HeldTensors; // the set that ran the job
        Assert.True(live == Tensor.TotalCount - heldAfter, $"live tensors {Tensor.TotalCount} after, {live + heldBefore} before; the reference cache held {heldBefore} before, {heldAfter} after");
    }

    [Fact]
    public async Task A_two_stage_device_plan_runs_the_timestep_forcing_pipeline_with_every_stage_on_the_cpu()
    {
        var r = f.Request(5, 2, "tpp") with { Devices = new DevicePlan(["cpu", "cpu"]) };
        Assert.Empty(f.Generator.Validate(r));
        var updates = await Collect(f.Generator, r);
        var done = Assert.IsType<GenerationCompleted>(updates[^1]);
        Assert.Equal(93, done.Frames);
        Assert.Equal(2 * 4 * 4, updates.OfType<GenerationProgress>().Count());
        f.Generator.EnsureLoaded(f.Request(1, 1, "reset"));
    }

    [Fact]
    public async Task A_text_file_posing_as_an_image_fails_as_bad_input_without_touching_the_models()
    {
        var fake = Path.Combine(Path.GetDirectoryName(f.Image)!, "not-an-image.png");
        await File.WriteAllTextAsync(fake, "hello");
        var r = f.Request(1, 1, "bad") with { ImagePath = fake };
        var e = await Assert.ThrowsAsync<GenerationException>(() => Collect(f.Generator, r));
        Assert.Equal(GenerationErrorKind.BadInput, e.Kind);
        Assert.False(File.Exists(r.OutputPath));
    }

    [Fact]
    public void Requests_the_build_cannot_run_are_refused_up_front_with_what_to_change()
    {
        var problems = f.Generator.Validate(f.Request(1, 1, "v") with { InferFrames = 50, SampleSteps = 6, Size = "1*1" });
        Assert.Contains(problems, p => p.Field == GenerationField.InferFrames && p.Message.Contains("multiple of 12"));
        Assert.Contains(problems, p => p.Field == GenerationField.SampleSteps && p.Message.Contains("1 to 4"));
        Assert.Contains(problems, p => p.Field == GenerationField.Size && p.Message.Contains("'1*1' is not a supported size"));
        Assert.DoesNotContain(problems, p => p.Message.Contains("--"));
    }
}
