using System.Net;
using System.Net.Http.Headers;
using LiveAvatar.Web.Tests.TestSupport;

namespace LiveAvatar.Web.Tests.Api;

/// <summary>/api/v1 through the real app with a scripted generator, so a job can be held between clips.</summary>
public class JobsApiTests
{
    [Fact]
    public async Task A_job_is_created_listed_shown_and_its_json_names_no_server_path()
    {
        using var factory = new ApiFactory(generator: new FakeVideoGenerator());
        using var client = factory.CreateClient();

        using var created = await client.PostAsync("/api/v1/jobs", ApiClient.JobForm(new Dictionary<string, string> { ["seed"] = "7" }));
        var body = await created.JsonAsync();
        string id = body.GetProperty("id").GetString()!;
        var done = await client.WaitForStatusAsync(id, "completed");
        string list = await client.GetStringAsync("/api/v1/jobs");
        string one = await client.GetStringAsync($"/api/v1/jobs/{id}");
        string legacy = await client.GetStringAsync($"/api/jobs/{id}");

        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        Assert.Equal($"/api/v1/jobs/{id}", created.Headers.Location?.OriginalString);
        Assert.Equal(7, done.GetProperty("parameters").GetProperty("seed").GetInt64());
        Assert.Equal(2, done.GetProperty("video").GetProperty("segmentsReady").GetInt32());
        Assert.Contains(id, list);
        Assert.All(new[] { list, one, legacy }, json =>
        {
            Assert.DoesNotContain(factory.DataDirectory, json);
            Assert.DoesNotContain("outputPath", json, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("ownerId", json, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public async Task Every_bad_field_comes_back_as_a_problem_keyed_by_that_field()
    {
        using var factory = new ApiFactory(generator: new FakeVideoGenerator());
        using var client = factory.CreateClient();
        var fields = new Dictionary<string, string>
        {
            ["num_clip"] = "many", ["sample_steps"] = "9", ["size"] = "1*1", ["infer_frames"] = "50", ["lora"] = "/etc/shadow",
            ["prompt"] = new string('p', 2001), ["colour"] = "red",
        };

        using var response = await client.PostAsync("/api/v1/jobs", ApiClient.JobForm(fields));
        var problem = await response.JsonAsync();
        var errors = problem.GetProperty("errors");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("The job was not accepted", problem.GetProperty("title").GetString());
        foreach (string field in new[] { "num_clip", "sample_steps", "size", "infer_frames", "lora", "prompt", "colour" })
            Assert.True(errors.TryGetProperty(field, out _), $"no problem for {field}: {errors}");
        Assert.Empty(Directory.GetFiles(Path.Combine(factory.DataDirectory, "uploads"))); // a refused job keeps no upload
    }

    [Fact]
    public async Task Missing_or_wrong_files_and_a_non_multipart_body_are_refused_with_their_reason()
    {
        using var factory = new ApiFactory(generator: new FakeVideoGenerator());
        using var client = factory.CreateClient();

        using var noFiles = await client.PostAsync("/api/v1/jobs", ApiClient.JobForm(withImage: false, withAudio: false));
        using var swapped = await client.PostAsync("/api/v1/jobs", ApiClient.JobForm(image: TestData.ExampleAudio, audio: TestData.ExampleImage));
        using var json = await client.PostAsync("/api/v1/jobs", new StringContent("{\"prompt\":\"x\"}", null, "application/json"));

        var missing = (await noFiles.JsonAsync()).GetProperty("errors");
        Assert.Contains("'image' file field", missing.GetProperty("image")[0].GetString());
        Assert.Contains("'audio' file field", missing.GetProperty("audio")[0].GetString());
        var wrong = (await swapped.JsonAsync()).GetProperty("errors");
        Assert.True(wrong.TryGetProperty("image", out _) && wrong.TryGetProperty("audio", out _), wrong.ToString());
        Assert.Contains("multipart/form-data", (await json.JsonAsync()).GetProperty("errors").GetProperty("request")[0].GetString());
    }

    [Fact]
    public async Task Unknown_jobs_are_404_problems_on_every_route()
    {
        using var factory = new ApiFactory(generator: new FakeVideoGenerator());
        using var client = factory.CreateClient();
        string id = Guid.NewGuid().ToString("N");

        foreach (var (method, url) in new[] { ("GET", $"/api/v1/jobs/{id}"), ("GET", $"/api/v1/jobs/{id}/events"),
                     ("GET", $"/api/v1/jobs/{id}/video"), ("DELETE", $"/api/v1/jobs/{id}"), ("GET", "/api/v1/jobs/..%2F..%2Fetc") })
        {
            using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task The_queue_bound_answers_429_and_the_generator_less_server_503()
    {
        using var factory = new ApiFactory(settings: new Dictionary<string, string> { ["max-pending-per-client"] = "1" },
            generator: new FakeVideoGenerator { ClipGate = new SemaphoreSlim(0) });
        using var client = factory.CreateClient();
        await client.CreateJobAsync();

        using var second = await client.PostAsync("/api/v1/jobs", ApiClient.JobForm());

        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Contains("You already have 1 jobs", (await second.JsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Delete_cancels_a_running_job_keeps_its_clips_and_then_deletes_it()
    {
        var generator = new FakeVideoGenerator { Clips = 3, ClipGate = new SemaphoreSlim(0) };
        using var factory = new ApiFactory(generator: generator);
        using var client = factory.CreateClient();
        string id = await client.CreateJobAsync(new Dictionary<string, string> { ["num_clip"] = "3" });
        await generator.FirstClipSent.Task.WaitAsync(TimeSpan.FromSeconds(30));

        using var cancel = await client.DeleteAsync($"/api/v1/jobs/{id}");
        var cancelled = await client.WaitForStatusAsync(id, "cancelled");
        using var partial = await client.GetAsync($"/api/v1/jobs/{id}/video");
        byte[] partialBytes = await partial.Content.ReadAsByteArrayAsync();
        byte[] expected = [.. FakeVideoGenerator.InitBytes, .. FakeVideoGenerator.SegmentBytes(0)];
        using var delete = await client.DeleteAsync($"/api/v1/jobs/{id}");
        using var gone = await client.GetAsync($"/api/v1/jobs/{id}");

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal(1, cancelled.GetProperty("video").GetProperty("segmentsReady").GetInt32());
        Assert.Equal(HttpStatusCode.OK, partial.StatusCode);
        Assert.Equal(expected, partialBytes);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.False(Directory.Exists(Path.Combine(factory.DataDirectory, "jobs", id)));
    }

    [Fact]
    public async Task Another_client_gets_403_on_cancel_and_delete()
    {
        var generator = new FakeVideoGenerator { Clips = 2, ClipGate = new SemaphoreSlim(0) };
        using var factory = new ApiFactory(generator: generator);
        using var owner = factory.CreateClient();
        using var stranger = factory.CreateClient();
        string id = await owner.CreateJobAsync();
        await generator.FirstClipSent.Task.WaitAsync(TimeSpan.FromSeconds(30));

        using var cancel = await stranger.DeleteAsync($"/api/v1/jobs/{id}");
        generator.ClipGate.Release();
        await owner.WaitForStatusAsync(id, "completed");
        using var delete = await stranger.DeleteAsync($"/api/v1/jobs/{id}");

        Assert.Equal(HttpStatusCode.Forbidden, cancel.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        Assert.Equal("Not your job", (await delete.JsonAsync()).GetProperty("title").GetString());
    }

    [Fact]
    public async Task The_video_answers_range_and_head_requests()
    {
        using var factory = new ApiFactory(generator: new FakeVideoGenerator());
        using var client = factory.CreateClient();
        string id = await client.CreateJobAsync();
        await client.WaitForStatusAsync(id, "completed");

        var range = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/jobs/{id}/video");
        range.Headers.Range = new RangeHeaderValue(1, 2);
        using var partial = await client.SendAsync(range);
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/api/v1/jobs/{id}/video"));
        using var headMedia = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/jobs/{id}/video.mp4"));

        byte[] slice = await partial.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal([2, 3], slice);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(3, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.Equal(HttpStatusCode.OK, headMedia.StatusCode);
    }

    [Fact]
    public async Task A_cancelled_runs_partial_mp4_honours_range_requests()
    {
        var generator = new FakeVideoGenerator { Clips = 3, ClipGate = new SemaphoreSlim(0) };
        using var factory = new ApiFactory(generator: generator);
        using var client = factory.CreateClient();
        string id = await client.CreateJobAsync(new Dictionary<string, string> { ["num_clip"] = "3" });
        await generator.FirstClipSent.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await client.DeleteAsync($"/api/v1/jobs/{id}");
        await client.WaitForStatusAsync(id, "cancelled");

        var request = new HttpRequestMessage(HttpMethod.Get, $"/jobs/{id}/partial.mp4");
        request.Headers.Range = new RangeHeaderValue(6, 9);
        using var response = await client.SendAsync(request);

        byte[] slice = await response.Content.ReadAsByteArrayAsync();
        byte[] whole = [.. FakeVideoGenerator.InitBytes, .. FakeVideoGenerator.SegmentBytes(0)];
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(whole[6..10], slice);
        Assert.Equal(whole.Length, response.Content.Headers.ContentRange?.Length);
    }
}
