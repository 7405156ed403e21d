namespace LiveAvatar.Tools.LiveClient;

/// <summary>What the example live client sends: the start message's fields and how to pace the audio.</summary>
public sealed record LiveClientOptions
{
    public required string ImagePath { get; init; }
    public string Prompt { get; init; } = "A person talks to the camera.";
    public string? Size { get; init; }
    public int? SampleSteps { get; init; }
    public int? InferFrames { get; init; }
    public long? Seed { get; init; }

    /// <summary>Audio per binary message (a browser worklet sends a few tens of milliseconds).</summary>
    public TimeSpan Chunk { get; init; } = TimeSpan.FromMilliseconds(40);

    /// <summary>Send the audio at the pace it would be spoken (true) or as fast as the server takes it.</summary>
    public bool RealTime { get; init; } = true;

    /// <summary>Ends the audio early (sends stop) once an event matches, e.g. after the first block is back; null
    /// sends the whole file.</summary>
    public Func<LiveClientEvent, bool>? StopWhen { get; init; }

    /// <summary>Where the segments (init.mp4, seg-0001.m4s, …, stream.mp4) and recording.mp4 are written; null keeps none.</summary>
    public string? OutputDirectory { get; init; }
}

/// <summary>One event the server sent, when it arrived (from connecting), and whether audio was still being sent then.</summary>
public sealed record LiveClientEvent(string Type, string Json, TimeSpan At, bool WhileSending);

/// <summary>Everything a run of the client saw.</summary>
public sealed record LiveClientResult(IReadOnlyList<LiveClientEvent> Events, TimeSpan AudioSentUntil, int SamplesSent, int SegmentsReceived,
    string? RecordingFile, string? CloseReason)
{
    public LiveClientEvent? Last(string type) => Events.LastOrDefault(e => e.Type == type);
}
