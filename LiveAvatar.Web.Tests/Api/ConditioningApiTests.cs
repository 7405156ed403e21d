using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using LiveAvatar.Engine.Media;
using LiveAvatar.Web.Tests.TestSupport;

namespace LiveAvatar.Web.Tests.Api;

/// <summary>POST /api/v1/jobs with a pose video or a second speaker, through the real app and a scripted generator.</summary>
public class ConditioningApiTests
{
    private static MultipartFormDataContent Form(Dictionary<string, string>? fields = null, string? image = null,
        params (string Field, string Path)[] files)
    {
        var form = ApiClient.JobForm(fields, image);
        foreach (var (field, path) in files)
        {
            var content = new ByteArrayContent(File.ReadAllBytes(path));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(content, field, Path.GetFileName(path));
        }
        return form;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient client, MultipartFormDataContent form)
    {
        using var response = await client.PostAsync("/api/v1/jobs", form);
        return (response.StatusCode, await response.JsonAsync());
    }

    private static async Task<string> MaskAsync(string dir, string name, int width, int height, double x)
    {
        string path = Path.Combine(dir, name);
        Web.Services.SpeakerMaskPainter.WritePng(Web.Services.SpeakerMark.At(x, 0.43, 0.2), width, height, path);
        return await Task.FromResult(path);
    }

    [Fact]
    public async Task A_pose_video_reaches_the_engine_and_shows_in_the_job()
    {
        var generator = new FakeVideoGenerator();
        using var factory = new ApiFactory(generator: generator);
        using var client = factory.CreateClient();

        var (status, body) = await PostAsync(client, Form(files: ("pose_video", TestData.ExamplePoseVideo)));
        var done = await client.WaitForStatusAsync(body.GetProperty("id").GetString()!, "completed");

        Assert.Equal(HttpStatusCode.Accepted, status);
        var pose = done.GetProperty("poseVideo");
        Assert.Equal("pose-wave.mp4", pose.GetProperty("name").GetString());
        Assert.Equal(4.0, pose.GetProperty("durationSeconds").GetDouble(), 1);
        string path = Assert.Single(generator.Requests).PoseVideoPath!;
        Assert.StartsWith(Path.Combine(factory.DataDirectory, "uploads"), path);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task Two_speakers_by_points_get_masks_painted_at_the_pictures_size()
    {
        var generator = new FakeVideoGenerator();
        using var factory = new ApiFactory(generator: generator);
        using var client = factory.CreateClient();

        var (status, body) = await PostAsync(client, Form(new() { ["speaker_points"] = "256,300;768,300,100" }, TestData.ExampleTwoSpeakers,
            ("audio_2", TestData.ExampleSecondAudio)));
        var done = await client.WaitForStatusAsync(body.GetProperty("id").GetString()!, "completed");

        Assert.True(status == HttpStatusCode.Accepted, body.ToString());
        var request = Assert.Single(generator.Requests);
        Assert.EndsWith(".wav", request.SecondAudioPath);
        Assert.Equal(2, request.SpeakerMaskPaths!.Count);
        var right = await SpeakerMaskReader.ReadAsync(request.SpeakerMaskPaths[1]);
        Assert.Equal((1024, 704), (right.Width, right.Height));
        Assert.Equal(1, right.Bits[300 * 1024 + 768 + 95]);
        Assert.Equal(0, right.Bits[300 * 1024 + 768 + 105]);
        var speakers = done.GetProperty("speakers");
        Assert.Equal(256, speakers[0].GetProperty("x").GetDouble());
        Assert.Equal(100, speakers[1].GetProperty("radius").GetDouble());
        Assert.Equal("speech-reply.wav", done.GetProperty("secondAudio").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Two_speakers_by_mask_images_pass_those_images_to_the_engine()
    {
        var generator = new FakeVideoGenerator();
        using var factory = new ApiFactory(generator: generator);
        using var client = factory.CreateClient();
        string left = await MaskAsync(factory.DataDirectory, "left.png", 1024, 704, 0.25);
        string right = await MaskAsync(factory.DataDirectory, "right.png", 1024, 704, 0.75);

        var (status, body) = await PostAsync(client, Form(image: TestData.ExampleTwoSpeakers,
            files: [("audio_2", TestData.ExampleSecondAudio), ("speaker_masks", left), ("speaker_masks", right)]));
        var done = await client.WaitForStatusAsync(body.GetProperty("id").GetString()!, "completed");

        Assert.True(status == HttpStatusCode.Accepted, body.ToString());
        var masks = Assert.Single(generator.Requests).SpeakerMaskPaths!;
        Assert.Equal(File.ReadAllBytes(left), File.ReadAllBytes(masks[0]));
        Assert.Equal(File.ReadAllBytes(right), File.ReadAllBytes(masks[1]));
        Assert.Equal("right.png", done.GetProperty("speakers")[1].GetProperty("mask").GetString());
    }

    [Fact]
    public async Task A_second_voice_without_masks_or_with_one_mask_is_refused_under_the_speaker_field()
    {
        using var factory = new ApiFactory(generator: new FakeVideoGenerator());
        using var client = factory.CreateClient();
        string left = await MaskAsync(factory.DataDirectory, "left.png", 512, 704, 0.5);

        var (noneStatus, none) = await PostAsync(client, Form(files: ("audio_2", TestData.ExampleSecondAudio)));
        var (_, one) = await PostAsync(client, Form(files: [("audio_2", TestData.ExampleSecondAudio), ("speaker_masks", left)]));
        var (_, stray) = await PostAsync(client, Form(new() { ["speaker_points"] = "10,10;400,10" }));

        Assert.Equal(HttpStatusCode.BadRequest, noneStatus);
        Assert.StartsWith("two speakers need a mask for each", none.GetProperty("errors").GetProperty("speaker_masks")[0].GetString());
        Assert.StartsWith("1 speaker masks for two speakers", one.GetProperty("errors").GetProperty("speaker_masks")[0].GetString());
        Assert.StartsWith("speaker masks are only used with a second audio track", stray.GetProperty("errors").GetProperty("speaker_points")[0].GetString());
        Assert.Empty(Directory.GetFiles(Path.Combine(factory.DataDirectory, "uploads"))); // refused jobs keep no upload
    }

    [Fact]
    public async Task Bad_conditioning_files_and_points_are_problems_keyed_by_their_field()
    {
        using var factory = new ApiFactory(generator: new FakeVideoGenerator());
        using var client = factory.CreateClient();
        string junk = Path.Combine(factory.DataDirectory, "mask.png");
        await File.WriteAllTextAsync(junk, "not an image");

        var (status, bad) = await PostAsync(client, Form(files: [("pose_video", TestData.ExampleImage), ("audio_2", TestData.ExamplePoseVideo),
            ("speaker_masks", junk)]));
        var (_, outside) = await PostAsync(client, Form(new() { ["speaker_points"] = "10,10;9000,10" }, files: ("audio_2", TestData.ExampleSecondAudio)));
        var (_, malformed) = await PostAsync(client, Form(new() { ["speaker_points"] = "left;right" }, files: ("audio_2", TestData.ExampleSecondAudio)));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var errors = bad.GetProperty("errors");
        Assert.Contains("still image", errors.GetProperty("pose_video")[0].GetString());
        Assert.Contains("video stream", errors.GetProperty("audio_2")[0].GetString());
        Assert.StartsWith("Speaker mask 1: The uploaded file is not", errors.GetProperty("speaker_masks")[0].GetString());
        Assert.Equal("Speaker 2's point (9000,10) lies outside the 512×704 picture.", outside.GetProperty("errors").GetProperty("speaker_points")[0].GetString());
        Assert.Contains("is not x,y or x,y,r", malformed.GetProperty("errors").GetProperty("speaker_points")[0].GetString());
    }

    [Fact]
    public async Task The_openapi_document_lists_the_conditioning_fields()
    {
        using var factory = new ApiFactory(generator: new FakeVideoGenerator());
        using var client = factory.CreateClient();

        using var doc = JsonDocument.Parse(await client.GetStringAsync("/api/v1/openapi.json"));
        var form = doc.RootElement.GetProperty("paths").GetProperty("/api/v1/jobs").GetProperty("post").GetProperty("requestBody")
            .GetProperty("content").GetProperty("multipart/form-data").GetProperty("schema").GetProperty("properties");

        Assert.Equal("binary", form.GetProperty("pose_video").GetProperty("format").GetString());
        Assert.Equal("binary", form.GetProperty("audio_2").GetProperty("format").GetString());
        Assert.Equal("binary", form.GetProperty("speaker_masks").GetProperty("items").GetProperty("format").GetString());
        Assert.Contains("x,y;x,y", form.GetProperty("speaker_points").GetProperty("description").GetString());
    }
}
