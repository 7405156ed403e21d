using System.Text.Json;
using System.Text.Json.Serialization;
using LiveAvatar.Engine.Live;

namespace LiveAvatar.Web.Live;

/// <summary>
/// The live session's message format (docs/live-protocol.md). Client → server: one JSON "start" text message, then
/// binary messages of 16 kHz mono s16le PCM, then a JSON "stop". Server → client: JSON text events; an "init" or
/// "block" event is followed by one binary message holding that fMP4 segment (unless the start asked for URLs only).
/// </summary>
public static class LiveProtocol
{
    public const string Path = "/api/v1/live";
    public const int Version = 1;

    /// <summary>The largest PCM message: 1 MiB, about 33 s of audio (a browser sends a few hundred bytes at a time).</summary>
    public const int MaxAudioMessageBytes = 1024 * 1024;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Close codes the server uses besides 1000 (normal): bad message, too big, server error, busy.</summary>
    public static class CloseCodes
    {
        public const int PolicyViolation = 1008, MessageTooBig = 1009, InternalError = 1011, TryAgainLater = 1013;
    }
}

/// <summary>The first message. Exactly one of <see cref="ImageId"/> (an image already uploaded to this server: the
/// page's upload, or a job's image id) and <see cref="ImageBase64"/> (the image file's bytes) names the picture.</summary>
public sealed record LiveStartMessage
{
    public string Type { get; init; } = "";
    public string? ImageId { get; init; }
    public string? ImageBase64 { get; init; }
    public string? ImageName { get; init; }
    public string? Prompt { get; init; }
    public string? Size { get; init; }
    public int? SampleSteps { get; init; }
    public int? InferFrames { get; init; }
    public long? Seed { get; init; }

    /// <summary>False: events carry segment URLs only, no binary messages follow them.</summary>
    public bool? SendSegments { get; init; }
}

/// <summary>Any later text message from the client; only "stop" is defined.</summary>
public sealed record LiveControlMessage
{
    public string Type { get; init; } = "";
}

/// <summary>One server event; fields that do not apply to its type are left out of the JSON.</summary>
public sealed record LiveEvent(string Type)
{
    public string? SessionId { get; init; }
    public string? Message { get; init; }
    public string? Code { get; init; }
    public IReadOnlyDictionary<string, string[]>? Problems { get; init; }
    public int? Width { get; init; }
    public int? Height { get; init; }
    public int? Fps { get; init; }
    public int? SampleRate { get; init; }
    public int? SamplesPerBlock { get; init; }
    public double? AudioContextSeconds { get; init; }
    public bool? Untrained { get; init; }
    public string? MimeType { get; init; }
    public string? Url { get; init; }
    public int? Bytes { get; init; }
    public int? Block { get; init; }
    public int? Segment { get; init; }
    public int? FirstFrame { get; init; }
    public int? FrameCount { get; init; }
    public double? LatencyMs { get; init; }
    public double? GenerationMs { get; init; }
    public double? QueuedAudioSeconds { get; init; }
    public bool? Behind { get; init; }
    public bool? Full { get; init; }
    public string? RecordingUrl { get; init; }
    public string? JobUrl { get; init; }
    public int? Frames { get; init; }
    public double? DurationSeconds { get; init; }
    public int? Blocks { get; init; }
    public double? MeanLatencyMs { get; init; }

    public static LiveEvent Error(string code, string message, IReadOnlyDictionary<string, string[]>? problems = null) =>
        new("error") { Code = code, Message = message, Problems = problems };

    public static LiveEvent Started(string id, LiveStarted s) => new("started")
    {
        SessionId = id, Width = s.Width, Height = s.Height, Fps = s.Fps, SampleRate = Engine.Media.AudioTrack.SampleRate,
        SamplesPerBlock = s.SamplesPerBlock, AudioContextSeconds = s.AudioContextSeconds, Untrained = s.Untrained,
    };

    public static LiveEvent FromBehind(LiveBehind b) => new("behind")
    {
        Behind = b.Behind, Full = b.Full, QueuedAudioSeconds = b.QueuedAudioSeconds,
        Message = b.Full ? "Generation is slower than real time and the audio queue is full: the server reads no more audio until it drains."
            : b.Behind ? "Generation is slower than real time: audio is queuing up (none is dropped)." : "Back to real time.",
    };
}
