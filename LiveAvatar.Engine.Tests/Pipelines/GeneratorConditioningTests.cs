using LiveAvatar.Engine.Pipelines;
using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Engine.Tests.Pipelines;

/// <summary>The pose video and two speakers end to end on the demo checkpoint (tiny random weights, real media).</summary>
[Collection(TorchCollection.Name)]
public sealed class GeneratorConditioningTests(GeneratorFixture f) : IClassFixture<GeneratorFixture>
{
    private static async Task<List<GenerationUpdate>> Collect(IVideoGenerator g, GenerationRequest r)
    {
        var list = new List<GenerationUpdate>();
        await foreach (var u in g.GenerateAsync(r)) list.Add(u);
        return list;
    }

    private static string FrameMd5(string mp4) => GeneratorFixture.Run("ffmpeg", "-nostdin", "-v", "error", "-i", mp4, "-map", "0:v", "-f", "md5", "-");

    private string Make(string name, params string[] args)
    {
        var path = Path.GetFullPath(Path.Combine(f.OutputDirectory, "..", name));
        GeneratorFixture.Run("ffmpeg", ["-nostdin", "-v", "error", "-y", .. args, path]);
        return Path.GetFullPath(path);
    }

    // a 64×64 mask, white over the given column range
    private string Mask(string name, int x, int w) =>
        Make(name, "-f", "lavfi", "-i", "color=black:s=64x64", "-vf", $"drawbox=x={x}:y=0:w={w}:h=64:color=white:t=fill", "-frames:v", "1");

    [Fact]
    public async Task A_pose_video_changes_the_motion_and_a_run_without_one_is_unchanged()
    {
        var pose = Make("pose.mp4", "-f", "lavfi", "-i", "testsrc2=s=48x80:r=50:d=1", "-pix_fmt", "yuv420p");
        var plain = (GenerationCompleted)(await Collect(f.Generator, f.Request(11, 1, "plain")))[^1];
        var again = (GenerationCompleted)(await Collect(f.Generator, f.Request(11, 1, "plain2")))[^1];
        var posed = (GenerationCompleted)(await Collect(f.Generator, f.Request(11, 1, "posed") with { PoseVideoPath = pose }))[^1];
        Assert.Equal(45, posed.Frames);
        Assert.Equal(FrameMd5(plain.VideoPath), FrameMd5(again.VideoPath));
        Assert.NotEqual(FrameMd5(plain.VideoPath), FrameMd5(posed.VideoPath));
    }

    [Fact]
    public async Task Two_speakers_with_masks_make_one_video_carrying_both_tracks_mixed()
    {
        var second = Path.GetFullPath(Path.Combine(f.OutputDirectory, "..", "second.wav"));
        GeneratorFixture.Run("espeak-ng", "-w", second, "And I am the second speaker, answering with a different voice and words.");
        var request = f.Request(5, 1, "duo") with
        {
            SecondAudioPath = second, SpeakerMaskPaths = [Mask("left.png", 0, 32), Mask("right.png", 32, 32)],
        };
        var solo = (GenerationCompleted)(await Collect(f.Generator, f.Request(5, 1, "solo")))[^1];
        var duo = (GenerationCompleted)(await Collect(f.Generator, request))[^1];
        Assert.Equal(45, duo.Frames);
        Assert.NotEqual(FrameMd5(solo.VideoPath), FrameMd5(duo.VideoPath));
        var audio = GeneratorFixture.Run("ffprobe", "-v", "error", "-select_streams", "a", "-show_entries", "stream=codec_name", "-of", "csv=p=0", duo.VideoPath);
        Assert.Contains("aac", audio);
        Assert.Empty(Directory.GetFiles(Path.GetTempPath(), "liveavatar-mix-*.wav"));
    }

    [Fact]
    public async Task Bad_speaker_masks_are_refused_before_any_model_work_with_what_is_wrong()
    {
        var small = Make("small.png", "-f", "lavfi", "-i", "color=white:s=96x64", "-frames:v", "1");
        var empty = Make("empty.png", "-f", "lavfi", "-i", "color=black:s=64x64", "-frames:v", "1");
        var left = Mask("left2.png", 0, 32);
        var r = f.Request(5, 1, "bad") with { SecondAudioPath = f.Audio };
        var size = await Assert.ThrowsAsync<GenerationException>(() => Collect(f.Generator, r with { SpeakerMaskPaths = [left, small] }));
        Assert.Contains("is 96×64 but the reference picture is 64×64", size.Message);
        var none = await Assert.ThrowsAsync<GenerationException>(() => Collect(f.Generator, r with { SpeakerMaskPaths = [left, empty] }));
        Assert.Contains("is empty", none.Message);
        var covered = await Assert.ThrowsAsync<GenerationException>(() => Collect(f.Generator, r with { SpeakerMaskPaths = [left, left] }));
        Assert.Contains("lies entirely under speaker 2", covered.Message);
        Assert.Contains(f.Generator.Validate(r with { SpeakerMaskPaths = [left] }), p => p.Field == GenerationField.SpeakerMasks && p.Message.Contains("1 speaker masks for two speakers", StringComparison.Ordinal));
    }
}
