using LiveAvatar.Cli.Commands;

namespace LiveAvatar.Cli.Tests;

public sealed class ConditioningOptionsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("la-cond-");

    private string Touch(string name)
    {
        var p = Path.Combine(_dir.FullName, name);
        File.WriteAllText(p, "x");
        return p;
    }

    public void Dispose() => _dir.Delete(true);

    [Fact]
    public void Two_tracks_joined_by_a_plus_and_two_masks_become_two_speakers()
    {
        string img = Touch("i.png"), a = Touch("a.wav"), b = Touch("b.wav"), l = Touch("l.png"), r = Touch("r.png");
        var o = GenerateOptions.Parse(["--image", img, "--audio", $"{a}+{b}", "--speaker_masks", $"{l},{r}"], cudaDevices: 0);
        Assert.Equal(a, o.Request.AudioPath);
        Assert.Equal(b, o.Request.SecondAudioPath);
        Assert.Equal([l, r], o.Request.SpeakerMaskPaths!);
        Assert.True(o.Request.HasTwoSpeakers);
    }

    [Fact]
    public void A_file_whose_name_holds_a_plus_stays_one_track()
    {
        string img = Touch("i.png"), a = Touch("a+b.wav");
        var o = GenerateOptions.Parse(["--image", img, "--audio", a], cudaDevices: 0);
        Assert.Equal(a, o.Request.AudioPath);
        Assert.False(o.Request.HasTwoSpeakers);
    }

    [Fact]
    public void Two_speakers_without_masks_or_with_the_wrong_count_are_refused_with_what_to_give()
    {
        string img = Touch("i.png"), a = Touch("a.wav"), b = Touch("b.wav"), l = Touch("l.png");
        var none = Assert.Throws<ArgumentException>(() => GenerateOptions.Parse(["--image", img, "--audio", $"{a}+{b}"], cudaDevices: 0));
        Assert.Contains("two speakers need --speaker_masks", none.Message);
        var one = Assert.Throws<ArgumentException>(() => GenerateOptions.Parse(["--image", img, "--audio", $"{a}+{b}", "--speaker_masks", l], cudaDevices: 0));
        Assert.Contains("--speaker_masks has 1 files for 2 speakers", one.Message);
        var three = Assert.Throws<ArgumentException>(() => GenerateOptions.Parse(["--image", img, "--audio", $"{a}+{b}+{a}"], cudaDevices: 0));
        Assert.Contains("exactly two tracks", three.Message);
        var lone = Assert.Throws<ArgumentException>(() => GenerateOptions.Parse(["--image", img, "--audio", a, "--speaker_masks", $"{l},{l}"], cudaDevices: 0));
        Assert.Contains("--speaker_masks needs two audio tracks", lone.Message);
    }

    [Fact]
    public void A_pose_video_is_passed_on_and_a_missing_one_is_named()
    {
        string img = Touch("i.png"), a = Touch("a.wav"), pose = Touch("pose.mp4");
        Assert.Equal(pose, GenerateOptions.Parse(["--image", img, "--audio", a, "--pose_video", pose], cudaDevices: 0).Request.PoseVideoPath);
        var e = Assert.Throws<ArgumentException>(() => GenerateOptions.Parse(["--image", img, "--audio", a, "--pose_video", "/nope.mp4"], cudaDevices: 0));
        Assert.Contains("--pose_video /nope.mp4: no such file", e.Message);
    }
}
