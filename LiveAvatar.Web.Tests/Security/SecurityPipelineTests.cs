using System.Net;
using Microsoft.AspNetCore.Http;
using LiveAvatar.Web.Security;
using LiveAvatar.Web.Tests.Api;
using LiveAvatar.Web.Tests.TestSupport;

namespace LiveAvatar.Web.Tests.Security;

/// <summary>Host allow-list, Origin checks and headers, through the real middleware pipeline.</summary>
public class SecurityPipelineTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/api/v1/health")]
    [InlineData("/assets/connection-banner.js")]
    public async Task Every_response_carries_nosniff_a_real_csp_a_referrer_policy_and_no_framing(string path)
    {
        using var factory = new ApiFactory(generator: new FakeVideoGenerator());
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(path);

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        string csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.Equal("same-origin", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Theory]
    [InlineData("attacker.example")]
    [InlineData("attacker.example:7860")]
    [InlineData("localhost.attacker.example")]
    [InlineData("")]
    public async Task A_foreign_or_empty_host_header_is_refused_with_400(string host)
    {
        using var factory = new ApiFactory(generator: new FakeVideoGenerator());

        foreach (string path in new[] { "/", "/api/v1/jobs", "/api/jobs/" + Guid.NewGuid().ToString("N") })
        {
            var context = await factory.Server.SendAsync(c =>
            {
                c.Request.Path = path;
                c.Request.Host = new HostString(host);
            });
            Assert.Equal(400, context.Response.StatusCode);
        }
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1:7860")]
    [InlineData("[::1]:7860")]
    public async Task Loopback_names_are_served(string host)
    {
        using var factory = new ApiFactory(generator: new FakeVideoGenerator());

        var context = await factory.Server.SendAsync(c =>
        {
            c.Request.Path = "/api/v1/health";
            c.Request.Host = new HostString(host);
        });

        Assert.Equal(200, context.Response.StatusCode);
    }

    [Fact]
    public async Task The_blazor_hub_and_state_changing_requests_refuse_another_sites_origin()
    {
        using var factory = new ApiFactory(generator: new FakeVideoGenerator());
        using var client = factory.CreateClient();

        var negotiate = new HttpRequestMessage(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1");
        negotiate.Headers.Add("Origin", "http://evil.example");
        var post = new HttpRequestMessage(HttpMethod.Post, "/api/v1/jobs") { Content = ApiClient.JobForm() };
        post.Headers.Add("Origin", "http://evil.example");
        var nullOrigin = new HttpRequestMessage(HttpMethod.Delete, "/api/v1/jobs/" + Guid.NewGuid().ToString("N"));
        nullOrigin.Headers.Add("Origin", "null");
        var sameSite = new HttpRequestMessage(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1");
        sameSite.Headers.Add("Origin", "http://localhost");

        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(negotiate)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(post)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(nullOrigin)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(sameSite)).StatusCode);
        Assert.Empty(Directory.GetFiles(Path.Combine(factory.DataDirectory, "uploads")));
    }

    [Fact]
    public void Same_origin_means_the_scheme_host_and_port_the_request_was_sent_to()
    {
        var request = new Microsoft.AspNetCore.Http.DefaultHttpContext().Request;
        request.Host = new HostString("127.0.0.1:7860");

        Assert.True(OriginCheckMiddleware.IsSameOrigin("http://127.0.0.1:7860", request));
        Assert.False(OriginCheckMiddleware.IsSameOrigin("http://127.0.0.1:7861", request));
        Assert.False(OriginCheckMiddleware.IsSameOrigin("file://", request));
        Assert.False(OriginCheckMiddleware.IsSameOrigin("null", request));
    }
}
