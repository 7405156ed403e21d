using System.Net.Http.Headers;
using System.Text.Json;
using LiveAvatar.Web.Tests.TestSupport;

namespace LiveAvatar.Web.Tests.Api;

/// <summary>What a script does against /api/v1: build the multipart form, read JSON and problem documents.</summary>
internal static class ApiClient
{
    public static MultipartFormDataContent JobForm(IReadOnlyDictionary<string, string>? fields = null,
        string? image = null, string? audio = null, bool withImage = true, bool withAudio = true)
    {
        var form = new MultipartFormDataContent();
        if (withImage) form.Add(File(image ?? TestData.ExampleImage, "image/png"), "image", Path.GetFileName(image ?? TestData.ExampleImage));
        if (withAudio) form.Add(File(audio ?? TestData.ExampleAudio, "audio/wav"), "audio", Path.GetFileName(audio ?? TestData.ExampleAudio));
        var all = new Dictionary<string, string> { ["prompt"] = "a person talks to the camera", ["num_clip"] = "2" };
        foreach (var (k, v) in fields ?? new Dictionary<string, string>()) all[k] = v;
        foreach (var (k, v) in all) form.Add(new StringContent(v), k);
        return form;
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.Clone();
    }

    public static async Task<string> CreateJobAsync(this HttpClient client, IReadOnlyDictionary<string, string>? fields = null,
        string? image = null)
    {
        using var response = await client.PostAsync("/api/v1/jobs", JobForm(fields, image));
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync()).GetProperty("id").GetString()!;
    }

    public static async Task<JsonElement> WaitForStatusAsync(this HttpClient client, string id, params string[] statuses)
    {
        for (int i = 0; i < 1200; i++)
        {
            var job = await (await client.GetAsync($"/api/v1/jobs/{id}")).JsonAsync();
            if (statuses.Contains(job.GetProperty("status").GetString())) return job;
            await Task.Delay(50);
        }
        throw new TimeoutException($"job {id} never reached {string.Join("/", statuses)}");
    }

    private static ByteArrayContent File(string path, string type)
    {
        var content = new ByteArrayContent(System.IO.File.ReadAllBytes(path));
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return content;
    }
}
