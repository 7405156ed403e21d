using System.Net;
using System.Text.Json;
using LiveAvatar.Web.Tests.TestSupport;

namespace LiveAvatar.Web.Tests.Api;

/// <summary>memory_profile on POST /api/v1/jobs: read, echoed, refused when unknown, documented; the plan the engine
/// picked in the job resource once the job has started.</summary>
public class MemoryProfileApiTests
{
    private const string PlanSummary = "memory profile 48 GB: FP8 weights resident, KV cache in host memory, encoders on the CPU";

    [Fact]
    public async Task A_48_GB_profile_is_accepted_echoed_and_the_plan_shows_once_the_job_has_started()
    {
        var generator = new FakeVideoGenerator { MemoryPlan = new MemoryPlan(MemoryProfile.Gb48, true, false, true, true, PlanSummary) };
        using var factory = new ApiFactory(generator: generator);
        using var client = factory.CreateClient();

        using var created = await client.PostAsync("/api/v1/jobs", ApiClient.JobForm(new Dictionary<string, string> { ["memory_profile"] = "48" }));
        var accepted = await created.JsonAsync();
        var done = await client.WaitForStatusAsync(accepted.GetProperty("id").GetString()!, "completed");

        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        Assert.Equal("48", accepted.GetProperty("parameters").GetProperty("memoryProfile").GetString());
        Assert.Equal(JsonValueKind.Null, accepted.GetProperty("memoryPlan").ValueKind);
        Assert.Equal("48", done.GetProperty("parameters").GetProperty("memoryProfile").GetString());
        Assert.Equal(PlanSummary, done.GetProperty("memoryPlan").GetString());
        Assert.Equal(MemoryProfile.Gb48, generator.Requests.Single().MemoryProfile);
    }

    [Fact]
    public async Task Without_the_field_the_profile_is_auto()
    {
        var generator = new FakeVideoGenerator();
        using var factory = new ApiFactory(generator: generator);
        using var client = factory.CreateClient();

        using var created = await client.PostAsync("/api/v1/jobs", ApiClient.JobForm());

        Assert.Equal("auto", (await created.JsonAsync()).GetProperty("parameters").GetProperty("memoryProfile").GetString());
    }

    [Fact]
    public async Task An_unknown_profile_is_a_problem_under_memory_profile_that_names_the_choices()
    {
        using var factory = new ApiFactory(generator: new FakeVideoGenerator());
        using var client = factory.CreateClient();

        using var response = await client.PostAsync("/api/v1/jobs", ApiClient.JobForm(new Dictionary<string, string> { ["memory_profile"] = "16" }));
        var problem = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var messages = problem.GetProperty("errors").GetProperty("memory_profile");
        Assert.Equal("memory_profile must be one of auto, 24, 48, 80 (GB of GPU memory), got '16'.", messages[0].GetString());
        Assert.Empty(Directory.GetFiles(Path.Combine(factory.DataDirectory, "uploads"))); // a refused job keeps no upload
    }

    [Fact]
    public async Task The_openapi_form_documents_memory_profile_with_the_engines_words()
    {
        using var factory = new ApiFactory(generator: new FakeVideoGenerator());
        using var client = factory.CreateClient();

        using var doc = JsonDocument.Parse(await client.GetStringAsync("/api/v1/openapi.json"));
        var field = doc.RootElement.GetProperty("paths").GetProperty("/api/v1/jobs").GetProperty("post").GetProperty("requestBody")
            .GetProperty("content").GetProperty("multipart/form-data").GetProperty("schema").GetProperty("properties").GetProperty("memory_profile");

        Assert.Equal("string", field.GetProperty("type").GetString());
        Assert.Contains(MemoryProfiles.Describe(MemoryProfile.Gb24), field.GetProperty("description").GetString());
    }
}
