using System.Net;
using LiveAvatar.Web.Tests.Browser;

using LiveAvatar.Web.Tests.TestSupport;

namespace LiveAvatar.Web.Tests.Api;

/// <summary>The API end to end on the real engine: the demo checkpoint (tiny random weights), real ffmpeg.</summary>
public class DemoCheckpointApiTests
{
    [GeneratorFact]
    public async Task A_job_made_through_the_api_runs_on_the_engine_and_its_video_is_a_real_mp4()
    {
        Assert.NotNull(ApiFactory.DemoCheckpoint);
        using var factory = new ApiFactory();
        using var client = factory.CreateClient();
        var fields = new Dictionary<string, string>
        {
            ["size"] = "384*256", ["num_clip"] = "1", ["sample_steps"] = "1", ["infer_frames"] = "12", ["seed"] = "1",
        };

        // A 64×64 portrait keeps the demo's CPU VAE work small (the output follows the image below the area).
        string portrait = Path.Combine(factory.DataDirectory, "portrait-64.png");
        MediaTools.Run("ffmpeg", "-nostdin", "-v", "error", "-y", "-i", Web.Tests.TestSupport.TestData.ExampleImage, "-vf", "scale=64:64", portrait);

        string id = await client.CreateJobAsync(fields, portrait);
        var events = await SseReader.ReadUntilFinalAsync(client, $"/api/v1/jobs/{id}/events", timeout: TimeSpan.FromMinutes(8));
        using var video = await client.GetAsync($"/api/v1/jobs/{id}/video");
        string file = Path.Combine(factory.DataDirectory, "downloaded.mp4");
        await File.WriteAllBytesAsync(file, await video.Content.ReadAsByteArrayAsync());
        var health = await (await client.GetAsync("/api/v1/health")).JsonAsync();

        Assert.True(events[^1].Type == "finished", string.Join("\n", events.Select(e => $"{e.Type} {e.Data}")));
        Assert.Contains(events, e => e.Type == "started");
        Assert.Equal(HttpStatusCode.OK, video.StatusCode);
        Assert.Contains("video", Probe(file));
        Assert.True(health.GetProperty("generator").GetBoolean());
        Assert.True(health.GetProperty("demoWeights").GetBoolean());
    }

    [GeneratorFact]
    public async Task A_pose_video_job_made_through_the_api_runs_on_the_engine()
    {
        using var factory = new ApiFactory();
        using var client = factory.CreateClient();
        var fields = new Dictionary<string, string>
        {
            ["size"] = "384*256", ["num_clip"] = "1", ["sample_steps"] = "1", ["infer_frames"] = "12", ["seed"] = "1",
        };
        string portrait = Path.Combine(factory.DataDirectory, "portrait-64.png");
        MediaTools.Run("ffmpeg", "-nostdin", "-v", "error", "-y", "-i", Web.Tests.TestSupport.TestData.ExampleImage, "-vf", "scale=64:64", portrait);
        var form = ApiClient.JobForm(fields, portrait);
        form.Add(new ByteArrayContent(File.ReadAllBytes(Web.Tests.TestSupport.TestData.ExamplePoseVideo)), "pose_video", "pose-wave.mp4");

        using var created = await client.PostAsync("/api/v1/jobs", form);
        Assert.True(created.StatusCode == HttpStatusCode.Accepted, await created.Content.ReadAsStringAsync());
        string id = (await created.JsonAsync()).GetProperty("id").GetString()!;
        var events = await SseReader.ReadUntilFinalAsync(client, $"/api/v1/jobs/{id}/events", timeout: TimeSpan.FromMinutes(8));

        Assert.True(events[^1].Type == "finished", string.Join("\n", events.Select(e => $"{e.Type} {e.Data}")));
    }

    private static string Probe(string file) => MediaTools.Run("ffprobe", "-v", "error", "-show_entries", "stream=codec_type", "-of", "csv=p=0", file);
}
