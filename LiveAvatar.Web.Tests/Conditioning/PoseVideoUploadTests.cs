using LiveAvatar.Web.Services;
using LiveAvatar.Web.Tests.TestSupport;

namespace LiveAvatar.Web.Tests.Conditioning;

public class PoseVideoUploadTests
{
    private static async Task<StoredUpload> SaveAsync(TestData data, string file, string name)
    {
        await using var s = File.OpenRead(file);
        return await data.Uploads.SaveAsync(UploadKind.Video, s, name);
    }

    [Fact]
    public async Task A_pose_video_is_probed_for_its_size_rate_and_length()
    {
        using var data = new TestData();

        var pose = await SaveAsync(data, TestData.ExamplePoseVideo, "wave.mp4");

        Assert.Equal(UploadKind.Video, pose.Kind);
        Assert.Equal((256, 352), (pose.Width, pose.Height));
        Assert.Equal(25, pose.VideoFps);
        Assert.Equal(4.0, pose.Duration.TotalSeconds, 1);
        Assert.Equal("video/mp4", pose.ContentType);
        Assert.Equal(pose, data.Uploads.Find(pose.Id));
    }

    [Fact]
    public async Task Audio_a_still_picture_or_text_is_not_a_pose_video_and_says_so()
    {
        using var data = new TestData();

        var audio = await Assert.ThrowsAsync<UploadRejectedException>(() => SaveAsync(data, TestData.ExampleAudio, "a.mp4"));
        var still = await Assert.ThrowsAsync<UploadRejectedException>(() => SaveAsync(data, TestData.ExampleImage, "a.mp4"));
        string text = Path.Combine(data.Root, "notes.mp4");
        await File.WriteAllTextAsync(text, "not a video at all");
        var junk = await Assert.ThrowsAsync<UploadRejectedException>(() => SaveAsync(data, text, "notes.mp4"));

        Assert.Contains("has no video stream", audio.Message);
        Assert.Contains("still image", still.Message);
        Assert.Contains("not a video ffmpeg can read", junk.Message);
        Assert.All(new[] { audio, still, junk }, e => Assert.DoesNotContain(data.Root, e.Message));
        Assert.Empty(data.Uploads.AllIds());
    }

    [Fact]
    public async Task A_pose_video_over_the_size_or_length_limit_is_refused_with_the_limit()
    {
        using var big = new TestData(limits: UploadLimits.Default with { MaxVideoBytes = 4096 });
        using var longer = new TestData(limits: UploadLimits.Default with { MaxVideoDuration = TimeSpan.FromSeconds(2) });

        var bytes = await Assert.ThrowsAsync<UploadRejectedException>(() => SaveAsync(big, TestData.ExamplePoseVideo, "wave.mp4"));
        var length = await Assert.ThrowsAsync<UploadRejectedException>(() => SaveAsync(longer, TestData.ExamplePoseVideo, "wave.mp4"));

        Assert.StartsWith("The pose video file is larger than the limit of", bytes.Message);
        Assert.Equal("The pose video is 4.0 s long; the limit is 2.0 s. Cut it to the part that drives the motion.", length.Message);
    }
}
