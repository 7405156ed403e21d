using System.Net;
using LiveAvatar.Web.Security;
using LiveAvatar.Web.Tests.Api;
using LiveAvatar.Web.Tests.TestSupport;
using Microsoft.AspNetCore.Mvc.Testing;

namespace LiveAvatar.Web.Tests.Security;

public class AccessKeyTests
{
    private const string Key = "correct-horse-battery-staple";

    [Fact]
    public void Keys_compare_in_constant_time_over_digests_and_the_cookie_is_not_the_key()
    {
        var key = new AccessKey(Key);

        Assert.True(key.Matches(Key));
        Assert.False(key.Matches(Key + " "));
        Assert.False(key.Matches(""));
        Assert.False(key.Matches(null));
        Assert.DoesNotContain(Key, key.SessionValue);
        Assert.True(key.MatchesSession(key.SessionValue));
        Assert.False(key.MatchesSession(new AccessKey(Key + "x").SessionValue));
        Assert.False(key.MatchesSession("zz"));
        Assert.False(new AccessKey(null).Matches(""));
    }

    [Fact]
    public async Task With_a_key_the_api_answers_401_without_it_and_200_with_it()
    {
        using var factory = new ApiFactory(apiKey: Key, generator: new FakeVideoGenerator());
        using var client = factory.CreateClient();

        using var none = await client.GetAsync("/api/v1/jobs");
        var wrongRequest = new HttpRequestMessage(HttpMethod.Get, "/api/v1/jobs");
        wrongRequest.Headers.Add(AccessKey.HeaderName, "guess-guess-guess-guess");
        using var wrong = await client.SendAsync(wrongRequest);
        var rightRequest = new HttpRequestMessage(HttpMethod.Get, "/api/v1/jobs");
        rightRequest.Headers.Add(AccessKey.HeaderName, Key);
        using var right = await client.SendAsync(rightRequest);
        var bearer = new HttpRequestMessage(HttpMethod.Get, "/uploads/" + Guid.NewGuid().ToString("N"));
        bearer.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Key);
        using var bearerResponse = await client.SendAsync(bearer);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, bearerResponse.StatusCode); // past the key check, the upload just is not there
    }

    [Fact]
    public async Task With_a_key_every_page_media_and_hub_route_is_closed_until_login()
    {
        using var factory = new ApiFactory(apiKey: Key, generator: new FakeVideoGenerator());
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        string id = Guid.NewGuid().ToString("N");

        foreach (string path in new[] { "/api/info", $"/api/jobs/{id}", $"/uploads/{id}", $"/jobs/{id}/init.mp4", $"/jobs/{id}/partial.mp4",
                     "/_blazor/negotiate", "/api/v1/openapi.json" })
        {
            using var response = await client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{path}: {response.StatusCode}");
        }
        var page = new HttpRequestMessage(HttpMethod.Get, "/?job=1");
        page.Headers.Accept.ParseAdd("text/html");
        using var redirect = await client.SendAsync(page);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("/login?return=%2F%3Fjob%3D1", redirect.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Logging_in_with_the_key_sets_an_httponly_strict_cookie_that_opens_the_page()
    {
        using var factory = new ApiFactory(apiKey: Key, generator: new FakeVideoGenerator());
        using var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var form = await client.GetAsync("/login");
        using var bad = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = "nope", ["return"] = "/" }));
        using var good = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = Key, ["return"] = "//evil.example/" }));
        using var api = await client.GetAsync("/api/v1/jobs");

        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Contains("That key is not right.", await bad.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, good.StatusCode);
        Assert.Equal("/", good.Headers.Location?.OriginalString); // never an open redirect
        string cookie = good.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(AccessKey.SessionCookie, StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Key, cookie);
        Assert.Equal(HttpStatusCode.OK, api.StatusCode);
    }

    [Fact]
    public async Task A_key_holder_is_an_admin_who_may_cancel_any_clients_job()
    {
        var generator = new FakeVideoGenerator { Clips = 2, ClipGate = new SemaphoreSlim(0) };
        using var factory = new ApiFactory(apiKey: Key, generator: generator);
        using var admin = factory.CreateClient();
        admin.DefaultRequestHeaders.Add(AccessKey.HeaderName, Key);
        var queue = (Web.Services.JobQueue)factory.Services.GetService(typeof(Web.Services.JobQueue))!;
        var data = new TestData(generator);
        var parameters = await data.ParametersAsync();
        var uploads = (Web.Services.UploadStore)factory.Services.GetService(typeof(Web.Services.UploadStore))!;
        await using var image = File.OpenRead(TestData.ExampleImage);
        await using var audio = File.OpenRead(TestData.ExampleAudio);
        var job = queue.Submit(parameters with
        {
            ImageId = (await uploads.SaveAsync(Web.Services.UploadKind.Image, image, "a.png")).Id,
            AudioId = (await uploads.SaveAsync(Web.Services.UploadKind.Audio, audio, "a.wav")).Id,
        }, ClientIdentity.NewAnonymous());

        using var cancel = await admin.DeleteAsync($"/api/v1/jobs/{job.Id}");

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        data.Dispose();
    }
}
