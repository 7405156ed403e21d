using System.Net.Sockets;
using System.Text;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LiveAvatar.Web.Tests.Browser;

/// <summary>Issue 16 in a real browser against the published server.</summary>
[Collection(BrowserCollection.Name)]
public class HardeningBrowserTests(BrowserFixture fixture)
{
    [Fact]
    public async Task The_prompt_box_stops_at_the_limit_and_the_connection_banner_waits_hidden()
    {
        var page = await fixture.OpenPageAsync();
        try
        {
            await Expect(page.GetByTestId("prompt")).ToHaveAttributeAsync("maxlength", "2000");
            await Expect(page.GetByTestId("connection-banner")).ToBeAttachedAsync();
            await Expect(page.GetByTestId("connection-banner")).ToBeHiddenAsync();
            // That it appears when the circuit drops: ConnectionBannerBrowserTests. (The freeze an earlier attempt
            // saw here was the banner's own observer feeding itself once shown, fixed in connection-banner.js.)
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task The_page_runs_under_its_content_security_policy_without_violations()
    {
        var context = await fixture.OpenPageAsync("/assets/login.css");
        var page = await context.Context.NewPageAsync();
        var violations = new List<string>();
        page.Console += (_, m) => { if (m.Text.Contains("Content Security Policy", StringComparison.Ordinal)) violations.Add(m.Text); };
        try
        {
            await page.GotoAsync("/");
            await Expect(page.GetByTestId("prompt")).ToBeVisibleAsync();
            await page.WaitForTimeoutAsync(1000);

            Assert.True(violations.Count == 0, string.Join("\n", violations));
        }
        finally
        {
            await context.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task An_empty_host_header_gets_400_from_the_real_server_without_a_stack_trace()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(fixture.Server.BaseUrl.Host, fixture.Server.BaseUrl.Port);
        await using var stream = tcp.GetStream();
        await stream.WriteAsync("GET / HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n"u8.ToArray());
        using var reader = new StreamReader(stream, Encoding.ASCII);

        string response = await reader.ReadToEndAsync();

        Assert.StartsWith("HTTP/1.1 400", response);
        Assert.DoesNotContain(" at ", response);
    }
}

/// <summary>A server started with a key, as any non-loopback bind must be: the page asks for the key first.</summary>
public sealed class KeyedBrowserFixture : BrowserFixture
{
    public const string Key = "browser-test-key-0123456789";
    protected override IEnumerable<string> ServerArgs => [.. base.ServerArgs, "--api-key", Key];
}

[Collection(BrowserCollection.Name)]
public class LoginBrowserTests(KeyedBrowserFixture keyed) : IClassFixture<KeyedBrowserFixture>
{
    [Fact]
    public async Task With_a_key_the_page_asks_for_it_refuses_a_wrong_one_and_opens_with_the_right_one()
    {
        var page = await keyed.OpenPageAsync("/");
        try
        {
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
            await page.GetByTestId("login-key").FillAsync("wrong-wrong-wrong-wrong");
            await page.GetByTestId("login-submit").ClickAsync();
            await Expect(page.GetByTestId("login-error")).ToContainTextAsync("That key is not right.");

            await page.GetByTestId("login-key").FillAsync(KeyedBrowserFixture.Key);
            await page.GetByTestId("login-submit").ClickAsync();

            await Expect(page.GetByTestId("prompt")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
