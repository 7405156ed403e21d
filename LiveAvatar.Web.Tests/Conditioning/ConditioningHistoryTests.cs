using LiveAvatar.Web.Components.Generation;
using LiveAvatar.Web.Services;
using LiveAvatar.Web.Tests.TestSupport;

namespace LiveAvatar.Web.Tests.Conditioning;

public class ConditioningHistoryTests
{
    private static GenerationPageState State(TestData data) =>
        new(data.Queue, data.History, data.Uploads, data.Examples_, data.Time, new Random(1), data.Client);

    [Fact]
    public async Task Regenerate_brings_back_the_pose_video_the_second_voice_and_the_marks()
    {
        using var data = new TestData(new FakeVideoGenerator());
        using var state = State(data);
        await state.LoadExampleAsync("duo");
        await using (var s = File.OpenRead(TestData.ExamplePoseVideo)) await state.UploadAsync(InputSlot.PoseVideo, s, "wave.mp4");
        state.Form.Speakers.Resize(1, 0.1);
        state.Generate();
        await data.Queue.RunNextAsync();
        string id = state.WatchedId!;

        data.Restart();
        using var fresh = State(data);
        Assert.True(fresh.Regenerate(id));

        Assert.Equal("wave.mp4", fresh.Form.PoseVideo!.OriginalName);
        Assert.Equal("speech-reply.wav", fresh.Form.SecondAudio!.OriginalName);
        Assert.Equal(0.1, fresh.Form.Speakers[1]!.Radius);
        Assert.True(fresh.Form.Speakers.IsComplete);
        var row = fresh.HistoryRows.Single();
        Assert.Equal("speech-hello.wav + speech-reply.wav", row.AudioName);
        Assert.Contains("· pose wave.mp4 · two speakers (marked)", row.Parameters);
    }

    [Fact]
    public async Task A_job_json_written_before_these_inputs_existed_still_loads_and_regenerates()
    {
        using var data = new TestData(new FakeVideoGenerator());
        using var state = State(data);
        await state.LoadExampleAsync("anna");
        state.Generate();
        await data.Queue.RunNextAsync();
        string id = state.WatchedId!;
        string file = Path.Combine(data.Folders.JobDirectory(id), "job.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(file))!.AsObject();
        foreach (var name in new[] { "PoseVideo", "SecondAudio", "SpeakerMasks", "UploadIds" }) json.Remove(name);
        var parameters = json["Parameters"]!.AsObject();
        foreach (var name in new[] { "PoseVideoId", "SecondAudioId", "SpeakerMarks", "SpeakerMaskIds" }) parameters.Remove(name);
        await File.WriteAllTextAsync(file, json.ToJsonString());
        Assert.DoesNotContain("Pose", await File.ReadAllTextAsync(file));

        data.Restart();
        using var fresh = State(data);

        Assert.Equal(id, data.History.Find(id)!.Id);
        Assert.True(fresh.Regenerate(id));
        Assert.Null(fresh.Form.PoseVideo);
        Assert.False(fresh.Form.HasTwoSpeakers);
        Assert.Equal(GenerateOutcome.Started, fresh.Generate());
    }
}
