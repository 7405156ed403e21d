using System.Net;
using System.Text.Json;

namespace LiveAvatar.Web.Tests.Api;

public class OpenApiTests
{
    [Fact]
    public async Task The_openapi_document_describes_every_endpoint_and_the_job_form()
    {
        using var factory = new ApiFactory(generator: new TestSupport.FakeVideoGenerator());
        using var client = factory.CreateClient();

        using var doc = JsonDocument.Parse(await client.GetStringAsync("/api/v1/openapi.json"));
        var paths = doc.RootElement.GetProperty("paths");

        foreach (string path in new[] { "/api/v1/jobs", "/api/v1/jobs/{id}", "/api/v1/jobs/{id}/events", "/api/v1/jobs/{id}/video", "/api/v1/health" })
            Assert.True(paths.TryGetProperty(path, out _), $"{path} missing from {string.Join(", ", paths.EnumerateObject().Select(p => p.Name))}");
        var form = paths.GetProperty("/api/v1/jobs").GetProperty("post").GetProperty("requestBody").GetProperty("content")
            .GetProperty("multipart/form-data").GetProperty("schema").GetProperty("properties");
        Assert.Equal("binary", form.GetProperty("image").GetProperty("format").GetString());
        Assert.True(form.TryGetProperty("num_clip", out _));
        Assert.True(paths.GetProperty("/api/v1/jobs/{id}").TryGetProperty("delete", out _));
    }

    [Fact]
    public async Task The_reference_page_is_self_hosted_with_no_outside_script()
    {
        using var factory = new ApiFactory(generator: new TestSupport.FakeVideoGenerator());
        using var client = factory.CreateClient();

        string html = await client.GetStringAsync("/api/v1/docs");
        using var script = await client.GetAsync("/assets/api-reference.js");

        Assert.Contains("/assets/api-reference.js", html);
        Assert.DoesNotContain("https://", html);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }
}
