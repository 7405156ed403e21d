using System.Globalization;
using System.Text.Json;

namespace LiveAvatar.Web.Components.Live;

public enum LivePhase { Idle, Connecting, Waiting, Live, Stopping, Stopped, Failed }

/// <summary>
/// What the Live page shows, built from the session's events (docs/live-protocol.md) as live.js hands them over:
/// the phase, per-block latency, the behind-real-time state and the recording. Plain C#, so its rules are tested
/// without a browser.
/// </summary>
public sealed class LivePageState
{
    public const int LatencyHistory = 20;
    private readonly List<double> latencies = [];

    public LivePhase Phase { get; private set; } = LivePhase.Idle;
    public string? Message { get; private set; }
    public bool IsError { get; private set; }
    public int Blocks { get; private set; }
    public double? LastLatencyMs { get; private set; }
    public double? LastGenerationMs { get; private set; }
    public double? MeanLatencyMs => latencies.Count == 0 ? null : latencies.Average();
    public IReadOnlyList<double> RecentLatencies => latencies.TakeLast(LatencyHistory).ToList();
    public bool Behind { get; private set; }
    public bool QueueFull { get; private set; }
    public double QueuedAudioSeconds { get; private set; }
    public string? RecordingUrl { get; private set; }
    public string? JobId { get; private set; }
    public bool Untrained { get; private set; }

    public bool CanStart => Phase is LivePhase.Idle or LivePhase.Stopped or LivePhase.Failed;
    public bool CanStop => Phase is LivePhase.Connecting or LivePhase.Waiting or LivePhase.Live;

    public void Starting()
    {
        latencies.Clear();
        (Phase, Message, IsError, Blocks, LastLatencyMs, LastGenerationMs) = (LivePhase.Connecting, "Asking for the microphone and connecting…", false, 0, null, null);
        (Behind, QueueFull, QueuedAudioSeconds, RecordingUrl, JobId) = (false, false, 0, null, null);
    }

    public void Stopping()
    {
        if (!CanStop) return;
        Phase = LivePhase.Stopping;
        Message = "Stopping: the last audio is being generated and the recording written…";
    }

    /// <summary>Applies one event (server or client-side, JSON); unknown types are ignored.</summary>
    public void Apply(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var e = doc.RootElement;
        string? Text(string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        double? Number(string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
        bool Flag(string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;
        switch (Text("type"))
        {
            case "client-connected":
                Message = "Connected; starting the session…";
                break;
            case "waiting":
                (Phase, Message) = (LivePhase.Waiting, Text("message"));
                break;
            case "started":
                (Phase, JobId, Untrained) = (LivePhase.Live, Text("sessionId"), Flag("untrained"));
                Message = "Live: speak, and the avatar answers block by block (0.48 s each).";
                break;
            case "block":
                Blocks++;
                LastLatencyMs = Number("latencyMs");
                LastGenerationMs = Number("generationMs");
                if (LastLatencyMs is { } l) latencies.Add(l);
                if (latencies.Count > 10 * LatencyHistory) latencies.RemoveRange(0, latencies.Count - LatencyHistory);
                QueuedAudioSeconds = Number("queuedAudioSeconds") ?? QueuedAudioSeconds;
                break;
            case "behind":
                (Behind, QueueFull, QueuedAudioSeconds) = (Flag("behind"), Flag("full"), Number("queuedAudioSeconds") ?? 0);
                break;
            case "stopped":
                (Phase, RecordingUrl, Behind) = (LivePhase.Stopped, Text("recordingUrl"), false);
                Message = RecordingUrl is null ? Text("message") ?? "Stopped." : $"Stopped after {Blocks} blocks; the recording is in the history.";
                break;
            case "error" or "client-error":
                (Phase, IsError, Message) = (LivePhase.Failed, true, Text("message") ?? "The live session failed.");
                break;
            case "client-closed" when Phase is not (LivePhase.Stopped or LivePhase.Failed):
                (Phase, IsError) = (LivePhase.Failed, true);
                Message = "The connection closed before the session stopped" + (Text("message") is { Length: > 0 } r ? $" ({r})." : ".");
                break;
        }
    }

    public static string Milliseconds(double? ms) => ms is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) + " ms" : "–";
}
