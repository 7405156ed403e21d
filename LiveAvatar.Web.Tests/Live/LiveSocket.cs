using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using LiveAvatar.Web.Tests.Api;
using Microsoft.AspNetCore.Http;

namespace LiveAvatar.Web.Tests.Live;

/// <summary>Opens /api/v1/live on an in-memory server and reads what the server says.</summary>
internal static class LiveSocket
{
    public static Task<WebSocket> ConnectAsync(ApiFactory factory, Action<HttpRequest>? configure = null)
    {
        var client = factory.Server.CreateWebSocketClient();
        if (configure is not null) client.ConfigureRequest = configure;
        return client.ConnectAsync(new Uri(factory.Server.BaseAddress, "api/v1/live"), CancellationToken.None);
    }

    public static Task SendTextAsync(WebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>Every JSON event until the server closes, and its close status.</summary>
    public static async Task<(List<JsonElement> Events, WebSocketCloseStatus? Close)> ReadUntilClosedAsync(WebSocket socket, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        var events = new List<JsonElement>();
        var buffer = new byte[1 << 16];
        while (true)
        {
            var message = new MemoryStream();
            WebSocketReceiveResult r;
            do
            {
                r = await socket.ReceiveAsync(buffer, cts.Token);
                if (r.MessageType == WebSocketMessageType.Close) return (events, r.CloseStatus);
                message.Write(buffer, 0, r.Count);
            } while (!r.EndOfMessage);
            if (r.MessageType == WebSocketMessageType.Text) events.Add(JsonDocument.Parse(message.ToArray()).RootElement.Clone());
        }
    }

    public static string Type(this JsonElement e) => e.GetProperty("type").GetString()!;
}
