using System.Text.Json;

namespace LiveAvatar.Web.Tests.Api;

internal sealed record SseEvent(string? Id, string Type, JsonElement Data);

/// <summary>Reads text/event-stream the way EventSource does (id, event, data lines; blank line ends an event).</summary>
internal static class SseReader
{
    public static readonly string[] Final = ["finished", "failed", "cancelled", "interrupted", "deleted"];

    public static async Task<List<SseEvent>> ReadUntilFinalAsync(HttpClient client, string url, string? lastEventId = null,
        Func<SseEvent, Task>? onEvent = null, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(3));
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        var events = new List<SseEvent>();
        string? id = null, type = null, data = null;
        string? line;
        while ((line = await reader.ReadLineAsync(cts.Token)) is not null)
        {
            if (line.Length == 0)
            {
                if (type is not null && data is not null)
                {
                    using var doc = JsonDocument.Parse(data);
                    var e = new SseEvent(id, type, doc.RootElement.Clone());
                    events.Add(e);
                    if (onEvent is not null) await onEvent(e);
                    if (Final.Contains(type)) break;
                }
                id = type = data = null;
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal)) id = line[4..];
            else if (line.StartsWith("event: ", StringComparison.Ordinal)) type = line[7..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line[6..];
        }
        return events;
    }
}
