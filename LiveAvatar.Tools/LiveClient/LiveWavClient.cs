using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LiveAvatar.Engine.Media;

namespace LiveAvatar.Tools.LiveClient;

/// <summary>
/// The example client of docs/live-protocol.md: sends a WAV file (any audio ffmpeg reads, turned into 16 kHz mono)
/// as if it came from a microphone, in real time, and keeps what comes back: every event, the fMP4 segments and the
/// recording. The CLI's `live-client` command and the server tests both drive a session through it.
/// </summary>
public static class LiveWavClient
{
    public const string KeyHeader = "X-Api-Key";

    /// <summary>Connects to ws(s)://HOST/api/v1/live with the key (an exposed server needs it).</summary>
    public static async Task<ClientWebSocket> ConnectAsync(Uri server, string? apiKey, CancellationToken ct)
    {
        var socket = new ClientWebSocket();
        if (apiKey is not null) socket.Options.SetRequestHeader(KeyHeader, apiKey);
        await socket.ConnectAsync(LiveUri(server), ct);
        return socket;
    }

    public static Uri LiveUri(Uri server) => new UriBuilder(server)
    {
        Scheme = server.Scheme is "https" or "wss" ? "wss" : "ws", Path = "/api/v1/live",
    }.Uri;

    public static async Task<float[]> LoadAudioAsync(string path, CancellationToken ct) => (await AudioLoader.LoadAsync(path, null, ct)).Samples;

    /// <summary>Runs one session on an open socket. <paramref name="download"/> fetches the recording by its URL path
    /// (null: the recording is not fetched).</summary>
    public static async Task<LiveClientResult> RunAsync(WebSocket socket, LiveClientOptions options, float[] samples,
        Func<string, CancellationToken, Task<byte[]>>? download, Action<string>? log = null, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        var state = new ReceiveState(options.OutputDirectory) { StopWhen = options.StopWhen };
        if (state.Directory is { } dir) Directory.CreateDirectory(dir);
        await SendTextAsync(socket, StartMessage(options), ct);
        var receiving = ReceiveAllAsync(socket, state, clock, log, ct);
        var sent = 0;
        var chunk = Math.Max(2, (int)(options.Chunk.TotalSeconds * AudioTrack.SampleRate));
        try
        {
            for (; sent < samples.Length && !receiving.IsCompleted && !state.StopRequested; sent += chunk)
            {
                var count = Math.Min(chunk, samples.Length - sent);
                await socket.SendAsync(Pcm16.ToBytes(samples.AsSpan(sent, count)), WebSocketMessageType.Binary, true, ct);
                if (!options.RealTime) continue;
                var due = TimeSpan.FromSeconds((sent + count) / (double)AudioTrack.SampleRate);
                if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed, ct);
            }
            sent = Math.Min(sent, samples.Length);
            state.SendingEnded = clock.Elapsed;
            if (!receiving.IsCompleted) await SendTextAsync(socket, """{"type":"stop"}""", ct);
        }
        catch (WebSocketException) when (receiving.IsCompleted)
        {
            // The server closed first (an error event says why).
        }
        state.SendingEnded ??= clock.Elapsed;
        await receiving;
        string? recording = null;
        if (download is not null && state.Directory is { } outDir && state.RecordingUrl is { } url)
        {
            recording = Path.Combine(outDir, "recording.mp4");
            await File.WriteAllBytesAsync(recording, await download(url, ct), ct);
            log?.Invoke($"recording saved: {recording}");
        }
        return new LiveClientResult(state.Events, state.SendingEnded.Value, sent, state.Segments, recording, socket.CloseStatusDescription);
    }

    private static string StartMessage(LiveClientOptions o)
    {
        var start = new JsonObject
        {
            ["type"] = "start",
            ["imageBase64"] = Convert.ToBase64String(File.ReadAllBytes(o.ImagePath)),
            ["imageName"] = Path.GetFileName(o.ImagePath),
            ["prompt"] = o.Prompt,
        };
        if (o.Size is not null) start["size"] = o.Size;
        if (o.SampleSteps is { } steps) start["sampleSteps"] = steps;
        if (o.InferFrames is { } frames) start["inferFrames"] = frames;
        if (o.Seed is { } seed) start["seed"] = seed;
        return start.ToJsonString();
    }

    private static Task SendTextAsync(WebSocket socket, string text, CancellationToken ct) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, ct);

    private sealed class ReceiveState(string? directory)
    {
        public string? Directory { get; } = directory;
        public List<LiveClientEvent> Events { get; } = [];
        public TimeSpan? SendingEnded { get; set; }
        public string? PendingFile { get; set; }
        public string? RecordingUrl { get; set; }
        public int Segments { get; set; }
        public Func<LiveClientEvent, bool>? StopWhen { get; init; }
        public volatile bool StopRequested;
    }

    // Events are JSON text; an init or block event is followed by its segment as one binary message.
    private static async Task ReceiveAllAsync(WebSocket socket, ReceiveState state, Stopwatch clock, Action<string>? log, CancellationToken ct)
    {
        await Task.Yield();
        var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
        {
            buffer.SetLength(0);
            WebSocketReceiveResult r;
            do
            {
                try { r = await socket.ReceiveAsync(chunk, ct); }
                catch (WebSocketException) { return; }
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    if (socket.State == WebSocketState.CloseReceived)
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", ct);
                    return;
                }
                buffer.Write(chunk, 0, r.Count);
            } while (!r.EndOfMessage);
            if (r.MessageType == WebSocketMessageType.Binary)
            {
                if (state.PendingFile is { } name && state.Directory is { } dir)
                {
                    await File.WriteAllBytesAsync(Path.Combine(dir, name), buffer.ToArray(), ct);
                    // init + segments back to back is itself a playable fragmented MP4.
                    await using var stream = new FileStream(Path.Combine(dir, "stream.mp4"), FileMode.Append);
                    buffer.Position = 0;
                    await buffer.CopyToAsync(stream, ct);
                }
                state.PendingFile = null;
                continue;
            }
            var json = Encoding.UTF8.GetString(buffer.ToArray());
            using var doc = JsonDocument.Parse(json);
            var type = doc.RootElement.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "";
            var e = new LiveClientEvent(type, json, clock.Elapsed, state.SendingEnded is null);
            state.Events.Add(e);
            if (state.StopWhen?.Invoke(e) == true) state.StopRequested = true;
            log?.Invoke($"{clock.Elapsed.TotalSeconds,7:0.00} s  {json}");
            if (type == "init") state.PendingFile = "init.mp4";
            if (type == "block")
            {
                state.Segments++;
                state.PendingFile = $"seg-{doc.RootElement.GetProperty("segment").GetInt32():0000}.m4s";
            }
            if (type == "stopped" && doc.RootElement.TryGetProperty("recordingUrl", out var url)) state.RecordingUrl = url.GetString();
        }
    }
}
