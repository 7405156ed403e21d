using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;

namespace LiveAvatar.Web.Live;

public sealed partial class LiveSocketSession
{
    /// <summary>One whole message, or null when the client closed. Refuses messages over <paramref name="max"/> bytes.</summary>
    private async Task<(WebSocketMessageType Type, byte[] Data)?> ReceiveAsync(int max, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.GetMemory(16 * 1024), ct);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            buffer.Advance(result.Count);
            if (buffer.WrittenCount > max)
                throw new LiveProtocolException("too-big", $"A message is limited to {max:N0} bytes.", LiveProtocol.CloseCodes.MessageTooBig);
            if (result.EndOfMessage) return (result.MessageType, buffer.WrittenSpan.ToArray());
        }
    }

    private async Task SendAsync(LiveEvent e, CancellationToken ct, ReadOnlyMemory<byte>? payload = null)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(e, LiveProtocol.Json);
        await sendLock.WaitAsync(ct);
        try
        {
            // The event and its segment go out back to back, so a client can pair them by order.
            await socket.SendAsync(json, WebSocketMessageType.Text, endOfMessage: true, ct);
            if (payload is { } bytes) await socket.SendAsync(bytes, WebSocketMessageType.Binary, endOfMessage: true, ct);
        }
        finally
        {
            sendLock.Release();
        }
    }

    /// <summary>Sends the error event and closes; a client that is already gone is not an error.</summary>
    private async Task FailAsync(LiveEvent error, int closeCode)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            if (socket.State == WebSocketState.Open) await SendAsync(error, timeout.Token);
            await CloseAsync((WebSocketCloseStatus)closeCode, error.Code ?? "error", timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }
    }

    private async Task CloseAsync(WebSocketCloseStatus status, string reason, CancellationToken ct)
    {
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            await socket.CloseOutputAsync(status, reason, ct);
    }
}
