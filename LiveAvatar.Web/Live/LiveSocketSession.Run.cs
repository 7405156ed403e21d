using System.Net.WebSockets;
using System.Text.Json;
using LiveAvatar.Engine.Live;
using LiveAvatar.Web.Api;
using LiveAvatar.Web.Services;
using NAudio.Wave;

namespace LiveAvatar.Web.Live;

public sealed partial class LiveSocketSession
{
    /// <summary>What one session keeps besides the engine's session: its inputs and the figures for the history.</summary>
    private sealed record LiveRun(string Id, LiveSessionRequest Request, StoredUpload Image, bool SendSegments, DateTimeOffset StartedAt)
    {
        public string? MimeType { get; set; }
        public int Width { get; set; }
        public int Height { get; set; }
        public bool Untrained { get; set; }
        public TimeSpan? FirstBlockAfter { get; set; }
    }

    private async Task RunSessionAsync(ILiveSession session, LiveRun run, CancellationToken aborted)
    {
        // The session's audio goes to disk as it arrives (never all in memory): it becomes the run's audio upload.
        var wavPath = Path.Combine(folders.JobDirectory(run.Id), "live-audio.wav");
        var wav = new WaveFileWriter(wavPath, new WaveFormat(Engine.Media.AudioTrack.SampleRate, 16, 1));
        try
        {
            using var done = CancellationTokenSource.CreateLinkedTokenSource(aborted);
            var updates = ForwardUpdatesAsync(session, run, done.Token);
            var receiving = ReceiveAudioAsync(session, wav, done.Token);
            LiveEnded ended;
            try
            {
                ended = await updates;
            }
            catch (Exception) when (clientFault is { } bad)
            {
                // The client broke the protocol: it was told and the session stopped for that reason.
                throw bad;
            }
            catch (Exception e) when (e is not OperationCanceledException || !aborted.IsCancellationRequested)
            {
                logger.LogError(e, "Live session {Id} failed", run.Id);
                throw new LiveProtocolException("failed", "The live session failed: " + ErrorText.ForClient(e.Message, folders),
                    LiveProtocol.CloseCodes.InternalError);
            }
            finally
            {
                // The receive loop ends with the session (a bad message already ended it).
                if (!receiving.IsCompleted) done.CancelAfter(TimeSpan.FromSeconds(5));
            }
            wav.Dispose();
            var stopped = await SaveRecordingAsync(run, ended, wavPath, aborted);
            await SendAsync(stopped, aborted);
            await CloseAsync(WebSocketCloseStatus.NormalClosure, "stopped", aborted);
            // Whatever the client does after the end (more audio, no close) changes nothing now.
            try { await receiving; } catch (Exception e) { logger.LogDebug(e, "Live session {Id}: receive loop after the end", run.Id); }
        }
        finally
        {
            wav.Dispose();
            File.Delete(wavPath);
        }
    }

    // Binary messages are audio; the only text message is stop. A closed socket counts as stop.
    private async Task ReceiveAudioAsync(ILiveSession session, WaveFileWriter wav, CancellationToken ct)
    {
        await Task.Yield();
        var stopped = false;
        while (true)
        {
            var message = await ReceiveAsync(LiveProtocol.MaxAudioMessageBytes, ct);
            if (message is not { } m)
            {
                session.EndAudio();
                return;
            }
            if (stopped) continue;
            if (m.Type == WebSocketMessageType.Binary)
            {
                if (m.Data.Length % 2 != 0)
                    throw await AbortAsync(session, new LiveProtocolException("bad-audio",
                        $"Audio must be 16-bit samples (16 kHz mono s16le); a message of {m.Data.Length} bytes is not a whole number of them."));
                wav.Write(m.Data, 0, m.Data.Length);
                await session.WriteAudioAsync(m.Data, ct);
                continue;
            }
            LiveControlMessage? control = null;
            try { control = JsonSerializer.Deserialize<LiveControlMessage>(m.Data, LiveProtocol.Json); }
            catch (JsonException) { }
            if (control?.Type != "stop")
                throw await AbortAsync(session, new LiveProtocolException("bad-message",
                    "After start the server takes binary PCM messages and one {\"type\": \"stop\"}; this text message is neither."));
            session.EndAudio();
            stopped = true;
        }
    }

    private volatile LiveProtocolException? clientFault;

    private async Task<LiveProtocolException> AbortAsync(ILiveSession session, LiveProtocolException e)
    {
        clientFault = e;
        await FailAsync(LiveEvent.Error(e.Code, e.Message), e.CloseCode);
        await session.DisposeAsync();
        return e;
    }

    private async Task<LiveEnded> ForwardUpdatesAsync(ILiveSession session, LiveRun run, CancellationToken ct)
    {
        var id = run.Id;
        await foreach (var update in session.ReadUpdatesAsync(ct))
        {
            switch (update)
            {
                case LiveStarted s:
                    (run.Width, run.Height, run.Untrained) = (s.Width, s.Height, s.Untrained);
                    await SendAsync(LiveEvent.Started(id, s), ct);
                    break;
                case LiveInitSegment init:
                    run.MimeType = init.MimeType;
                    await AtomicFile.WriteAllBytesAsync(folders.InitSegmentPath(id), init.Bytes);
                    await SendAsync(new LiveEvent("init") { SessionId = id, MimeType = init.MimeType, Url = $"/jobs/{id}/init.mp4", Bytes = init.Bytes.Length },
                        ct, run.SendSegments ? init.Bytes : null);
                    break;
                case LiveBlockReady b:
                    run.FirstBlockAfter ??= time.GetUtcNow() - run.StartedAt;
                    await AtomicFile.WriteAllBytesAsync(folders.SegmentPath(id, b.Block + 1), b.Segment);
                    await SendAsync(new LiveEvent("block")
                    {
                        SessionId = id, Block = b.Block, Segment = b.Block + 1, Url = $"/jobs/{id}/seg/{b.Block + 1}", Bytes = b.Segment.Length,
                        FirstFrame = b.FirstFrame, FrameCount = b.FrameCount, LatencyMs = Math.Round(b.Latency.TotalMilliseconds, 1),
                        GenerationMs = Math.Round(b.Generation.TotalMilliseconds, 1), QueuedAudioSeconds = b.QueuedAudioSeconds,
                    }, ct, run.SendSegments ? b.Segment : null);
                    break;
                case LiveBehind behind:
                    await SendAsync(LiveEvent.FromBehind(behind), ct);
                    break;
                case LiveEnded ended:
                    return ended;
            }
        }
        throw new InvalidOperationException("the live session ended without a result");
    }
}
