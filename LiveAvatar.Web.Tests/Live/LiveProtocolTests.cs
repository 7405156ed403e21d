using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using LiveAvatar.Web.Tests.Api;
using LiveAvatar.Web.Tests.TestSupport;

namespace LiveAvatar.Web.Tests.Live;

/// <summary>The live endpoint's answers to bad clients, through the real middleware pipeline. None of these needs
/// model weights: they are refused before a session starts.</summary>
public class LiveProtocolTests
{
    private static string ImageBase64 => Convert.ToBase64String(File.ReadAllBytes(TestData.ExampleImage));

    [Fact]
    public async Task A_plain_get_is_told_to_connect_with_a_websocket()
    {
        using var factory = new ApiFactory(generator: new FakeVideoGenerator());
        using var client = factory.CreateClient();
        using var response = await client.GetAsync("/api/v1/live");
        Assert.Equal((HttpStatusCode)426, response.StatusCode);
        Assert.Contains("WebSocket", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("binary", "first message must be the JSON start message")]
    [InlineData("not json", "not valid JSON")]
    [InlineData("""{"type":"hello"}""", "\"type\": \"start\"")]
    [InlineData("""{"type":"start","colour":"red"}""", "not valid JSON for this protocol")]
    public async Task A_bad_first_message_gets_an_error_event_saying_what_is_wrong_and_a_policy_close(string first, string expected)
    {
        using var factory = new ApiFactory(generator: new FakeVideoGenerator());
        using var socket = await LiveSocket.ConnectAsync(factory);
        if (first == "binary") await socket.SendAsync(new byte[640], WebSocketMessageType.Binary, true, CancellationToken.None);
        else await LiveSocket.SendTextAsync(socket, first);

        var (events, close) = await LiveSocket.ReadUntilClosedAsync(socket);

        var error = Assert.Single(events);
        Assert.Equal("error", error.Type());
        Assert.Equal("bad-message", error.GetProperty("code").GetString());
        Assert.Contains(expected, error.GetProperty("message").GetString());
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, close);
    }

    [Fact]
    public async Task A_start_without_an_image_is_refused_with_the_image_problem()
    {
        using var factory = new ApiFactory();
        using var socket = await LiveSocket.ConnectAsync(factory);
        await LiveSocket.SendTextAsync(socket, """{"type":"start","prompt":"A person talks."}""");

        var (events, close) = await LiveSocket.ReadUntilClosedAsync(socket);

        var error = Assert.Single(events);
        Assert.Equal("invalid", error.GetProperty("code").GetString());
        Assert.Contains("reference image is required", error.GetProperty("problems").GetProperty("image")[0].GetString());
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, close);
    }

    [Fact]
    public async Task A_start_with_bad_settings_lists_every_problem_by_field()
    {
        using var factory = new ApiFactory();
        using var socket = await LiveSocket.ConnectAsync(factory);
        await LiveSocket.SendTextAsync(socket, JsonSerializer.Serialize(new
        {
            type = "start", imageBase64 = ImageBase64, imageName = "face.png", prompt = "", size = "1*1", sampleSteps = 99,
        }));

        var (events, _) = await LiveSocket.ReadUntilClosedAsync(socket);

        var problems = Assert.Single(events).GetProperty("problems");
        Assert.Contains("'1*1' is not a supported size", problems.GetProperty("size")[0].GetString());
        Assert.Contains("prompt is required", problems.GetProperty("prompt")[0].GetString());
        Assert.Contains("99 sampling steps", problems.GetProperty("sampleSteps")[0].GetString());
        Assert.False(problems.TryGetProperty("audio", out _), "live audio has no file to check");
    }

    [Fact]
    public async Task An_image_that_is_not_an_image_is_refused_as_the_upload_would_be()
    {
        using var factory = new ApiFactory();
        using var socket = await LiveSocket.ConnectAsync(factory);
        await LiveSocket.SendTextAsync(socket, JsonSerializer.Serialize(new
        {
            type = "start", imageBase64 = Convert.ToBase64String("not a picture at all"u8.ToArray()), prompt = "A person talks.",
        }));

        var (events, _) = await LiveSocket.ReadUntilClosedAsync(socket);

        Assert.Equal("invalid", Assert.Single(events).GetProperty("code").GetString());
        Assert.True(events[0].GetProperty("problems").TryGetProperty("image", out _));
    }

    [Fact]
    public async Task An_exposed_server_refuses_the_live_socket_without_its_key_and_from_another_site()
    {
        using var factory = new ApiFactory(apiKey: "live-secret-key-123456", generator: new FakeVideoGenerator());

        var noKey = await Assert.ThrowsAnyAsync<Exception>(() => LiveSocket.ConnectAsync(factory));
        Assert.Contains("401", noKey.Message);
        var foreign = await Assert.ThrowsAnyAsync<Exception>(() => LiveSocket.ConnectAsync(factory, r =>
        {
            r.Headers["X-Api-Key"] = "live-secret-key-123456";
            r.Headers.Origin = "http://attacker.example";
        }));
        Assert.Contains("403", foreign.Message);
        using var socket = await LiveSocket.ConnectAsync(factory, r => r.Headers["X-Api-Key"] = "live-secret-key-123456");
        await LiveSocket.SendTextAsync(socket, """{"type":"start","imageId":"x"}""");
        var (events, _) = await LiveSocket.ReadUntilClosedAsync(socket);
        Assert.Equal("unavailable", Assert.Single(events).GetProperty("code").GetString()); // past the key: the scripted generator cannot go live
    }
}
