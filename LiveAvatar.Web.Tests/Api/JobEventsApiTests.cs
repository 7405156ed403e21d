using LiveAvatar.Web.Tests.TestSupport;

namespace LiveAvatar.Web.Tests.Api;

public class JobEventsApiTests
{
    [Fact]
    public async Task The_event_stream_tells_the_whole_story_with_stable_ids()
    {
        var generator = new FakeVideoGenerator { Clips = 2, ClipGate = new SemaphoreSlim(0) };
        using var factory = new ApiFactory(generator: generator);
        using var client = factory.CreateClient();
        string id = await client.CreateJobAsync();

        var events = await SseReader.ReadUntilFinalAsync(client, $"/api/v1/jobs/{id}/events", onEvent: e =>
        {
            if (e.Type == "clip") generator.ClipGate.Release();
            return Task.CompletedTask;
        });

        var lasting = events.Where(e => e.Id is not null).Select(e => (e.Id, e.Type)).ToList();
        Assert.Equal([("1", "queued"), ("2", "started"), ("3", "clip"), ("4", "clip"), ("5", "finished")], lasting);
        Assert.Contains(events, e => e.Type == "progress" && e.Data.GetProperty("steps").GetInt32() == 4);
        Assert.Equal($"/jobs/{id}/seg/2", events.Last(e => e.Type == "clip").Data.GetProperty("segment").GetString());
        Assert.Equal($"/api/v1/jobs/{id}/video", events[^1].Data.GetProperty("video").GetString());
    }

    [Fact]
    public async Task Reconnecting_with_last_event_id_sends_only_what_was_missed()
    {
        using var factory = new ApiFactory(generator: new FakeVideoGenerator { Clips = 2 });
        using var client = factory.CreateClient();
        string id = await client.CreateJobAsync();
        await client.WaitForStatusAsync(id, "completed");

        var resumed = await SseReader.ReadUntilFinalAsync(client, $"/api/v1/jobs/{id}/events", lastEventId: "3");

        Assert.Equal([("4", "clip"), ("5", "finished")], resumed.Select(e => (e.Id, e.Type)).ToList());
    }

    [Fact]
    public async Task A_connection_dropped_mid_job_resumes_where_it_stopped()
    {
        var generator = new FakeVideoGenerator { Clips = 3, ClipGate = new SemaphoreSlim(0) };
        using var factory = new ApiFactory(generator: generator);
        using var client = factory.CreateClient();
        string id = await client.CreateJobAsync(new Dictionary<string, string> { ["num_clip"] = "3" });
        string? lastId = null;

        // First connection: read until the first clip, then hang up (a dropped network).
        using (var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/jobs/{id}/events");
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
            string? line;
            while ((line = await reader.ReadLineAsync(cts.Token)) is not null)
            {
                if (line.StartsWith("id: ", StringComparison.Ordinal)) lastId = line[4..];
                if (line == "event: clip") break;
            }
        }
        generator.ClipGate.Release(2);

        var rest = await SseReader.ReadUntilFinalAsync(client, $"/api/v1/jobs/{id}/events", lastEventId: lastId);

        Assert.Equal("3", lastId);
        Assert.Equal([("4", "clip"), ("5", "clip"), ("6", "finished")], rest.Where(e => e.Id is not null).Select(e => (e.Id, e.Type)).ToList());
    }

    [Fact]
    public async Task A_cancelled_job_ends_its_stream_with_cancelled_and_the_clips_kept()
    {
        var generator = new FakeVideoGenerator { Clips = 3, ClipGate = new SemaphoreSlim(0) };
        using var factory = new ApiFactory(generator: generator);
        using var client = factory.CreateClient();
        string id = await client.CreateJobAsync(new Dictionary<string, string> { ["num_clip"] = "3" });

        var events = await SseReader.ReadUntilFinalAsync(client, $"/api/v1/jobs/{id}/events", onEvent: async e =>
        {
            if (e.Type == "clip") await client.DeleteAsync($"/api/v1/jobs/{id}");
        });

        Assert.Equal("cancelled", events[^1].Type);
        Assert.Equal(1, events[^1].Data.GetProperty("clipsKept").GetInt32());
        Assert.Equal("4", events[^1].Id);
    }
}
