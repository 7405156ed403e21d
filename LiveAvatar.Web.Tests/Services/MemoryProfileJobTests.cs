using System.Text.Json.Nodes;
using LiveAvatar.Web.Components.Generation;
using LiveAvatar.Web.Services;
using LiveAvatar.Web.Tests.TestSupport;

namespace LiveAvatar.Web.Tests.Services;

/// <summary>A job's memory profile from the parameters to the engine's request, into job.json and back, and the
/// plan the engine reports in the job's log, record, progress and history.</summary>
public class MemoryProfileJobTests
{
    private const string PlanSummary =
        "memory profile auto picked 48 GB (61.3 GiB available of 79.1 GiB on cuda:0): FP8 weights resident, KV cache in host memory";

    private static GenerationPageState State(TestData data) =>
        new(data.Queue, data.History, data.Uploads, data.Examples_, data.Time, new Random(1), data.Client);

    [Fact]
    public void The_request_builder_passes_the_profile_and_defaults_to_auto()
    {
        var auto = RequestBuilder.Build(new JobParameters(), "face.png", "voice.wav", outputPath: null, info: null);
        var gb80 = RequestBuilder.Build(new JobParameters { MemoryProfile = MemoryProfile.Gb80 }, "face.png", "voice.wav", outputPath: null, info: null);

        Assert.Equal((MemoryProfile.Auto, MemoryProfile.Gb80), (auto.MemoryProfile, gb80.MemoryProfile));
    }

    [Fact]
    public async Task The_profile_reaches_the_generator_is_stored_and_regenerate_brings_it_back()
    {
        using var data = new TestData(new FakeVideoGenerator());
        var job = data.Queue.Submit(await data.ParametersAsync() with { MemoryProfile = MemoryProfile.Gb24 }, data.Client);
        await data.Queue.RunNextAsync();

        data.Restart();
        using var fresh = State(data);

        Assert.Equal(MemoryProfile.Gb24, data.Generator!.Requests.Single().MemoryProfile);
        Assert.Contains("\"MemoryProfile\": \"Gb24\"", await File.ReadAllTextAsync(Path.Combine(data.Folders.JobDirectory(job.Id), "job.json")));
        Assert.True(fresh.Regenerate(job.Id));
        Assert.Equal(MemoryProfile.Gb24, fresh.Form.MemoryProfile);
        Assert.Contains("· 24 GB memory profile", fresh.HistoryRows.Single().Parameters);
    }

    [Fact]
    public async Task A_job_json_written_before_memory_profiles_existed_loads_as_auto()
    {
        using var data = new TestData(new FakeVideoGenerator());
        var job = data.Queue.Submit(await data.ParametersAsync() with { MemoryProfile = MemoryProfile.Gb48 }, data.Client);
        await data.Queue.RunNextAsync();
        string file = Path.Combine(data.Folders.JobDirectory(job.Id), "job.json");
        var json = JsonNode.Parse(await File.ReadAllTextAsync(file))!.AsObject();
        json["Parameters"]!.AsObject().Remove("MemoryProfile");
        json.Remove("MemoryPlan");
        await File.WriteAllTextAsync(file, json.ToJsonString());

        data.Restart();
        using var fresh = State(data);

        var record = data.History.Find(job.Id)!;
        Assert.Equal(MemoryProfile.Auto, record.Parameters.MemoryProfile);
        Assert.Null(record.MemoryPlan);
        Assert.True(fresh.Regenerate(job.Id));
        Assert.Equal(MemoryProfile.Auto, fresh.Form.MemoryProfile);
        Assert.DoesNotContain("memory profile", fresh.HistoryRows.Single().Parameters);
    }

    [Fact]
    public async Task The_plan_the_engine_reports_at_the_start_goes_into_the_log_the_record_the_progress_and_the_history()
    {
        var generator = new FakeVideoGenerator { MemoryPlan = new MemoryPlan(MemoryProfile.Gb48, true, false, true, true, PlanSummary) };
        using var data = new TestData(generator);
        var job = data.Queue.Submit(await data.ParametersAsync(), data.Client);
        await data.Queue.RunNextAsync();

        var record = data.History.Find(job.Id)!;

        Assert.Equal(PlanSummary, record.MemoryPlan);
        int geometry = record.Log.ToList().FindIndex(l => l.Contains("clip(s)"));
        Assert.EndsWith(" " + PlanSummary, record.Log[geometry + 1]);
        Assert.Equal(PlanSummary, ProgressView.From(record, null, -1).MemoryPlan);
        Assert.Equal(PlanSummary, HistoryView.Row(record, TimeZoneInfo.Utc).MemoryPlan);
    }

    [Fact]
    public async Task Without_a_plan_the_log_has_no_memory_line()
    {
        using var data = new TestData(new FakeVideoGenerator());
        var job = data.Queue.Submit(await data.ParametersAsync(), data.Client);
        await data.Queue.RunNextAsync();

        var record = data.History.Find(job.Id)!;

        Assert.Null(record.MemoryPlan);
        Assert.DoesNotContain(record.Log, l => l.Contains("memory profile"));
    }
}
