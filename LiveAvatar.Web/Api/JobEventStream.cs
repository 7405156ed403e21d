using System.Globalization;
using System.Text.Json;
using LiveAvatar.Web.Services;

namespace LiveAvatar.Web.Api;

/// <summary>
/// A job's server-sent events. The lasting events are derived from the job's record, so their ids are stable and a
/// client that reconnects with Last-Event-ID gets exactly what it missed: queued = 1, started = 2, clip n = 2 + n,
/// and the final event (finished, failed, cancelled, interrupted) = 3 + the number of clips. Progress and queue
/// position events carry no id (they are replaced by the next one, never replayed).
/// </summary>
public static class JobEventStream
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public sealed record Event(long? Id, string Type, object Data);

    public static async Task<IResult> RunAsync(HttpContext http, string id, JobQueue queue, HistoryStore history)
    {
        long lastId = LastEventId(http.Request);
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache, no-store";
        response.Headers["X-Accel-Buffering"] = "no";
        using var wake = new SemaphoreSlim(0);
        void Wake() { if (wake.CurrentCount == 0) wake.Release(); }
        void OnJob(Job _) => Wake();
        queue.Changed += Wake;
        history.Changed += Wake;
        Job? watched = null;
        string? lastProgress = null;
        try
        {
            await response.WriteAsync("retry: 2000\n\n", http.RequestAborted);
            while (!http.RequestAborted.IsCancellationRequested)
            {
                var live = queue.FindActive(id);
                if (live != watched)
                {
                    if (watched is not null) watched.Changed -= OnJob;
                    watched = live;
                    if (watched is not null) watched.Changed += OnJob;
                }
                var record = live?.Record ?? history.Find(id);
                if (record is null)
                {
                    await WriteAsync(response, new Event(null, "deleted", new { id }), http.RequestAborted);
                    break;
                }
                foreach (var e in Lasting(record).Where(e => e.Id > lastId))
                {
                    await WriteAsync(response, e, http.RequestAborted);
                    lastId = e.Id!.Value;
                }
                if (!record.IsActive) break;
                if (Transient(record, live, queue.PositionOf(id)) is { } transient)
                {
                    string json = JsonSerializer.Serialize(transient.Data, Json);
                    if (json != lastProgress)
                    {
                        await WriteAsync(response, transient, http.RequestAborted);
                        lastProgress = json;
                    }
                }
                if (!await wake.WaitAsync(KeepAlive, http.RequestAborted))
                    await response.WriteAsync(": keep-alive\n\n", http.RequestAborted);
            }
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away; it reconnects with Last-Event-ID when it wants more.
        }
        finally
        {
            queue.Changed -= Wake;
            history.Changed -= Wake;
            if (watched is not null) watched.Changed -= OnJob;
        }
        return Results.Empty;
    }

    /// <summary>The record's lasting events in order, each with its stable id.</summary>
    public static IEnumerable<Event> Lasting(JobRecord r)
    {
        yield return new Event(1, "queued", new { id = r.Id, submittedAt = r.SubmittedAt });
        if (r.HasPreview)
            yield return new Event(2, "started", new
            {
                width = r.Width, height = r.Height, clips = r.Clips, totalFrames = r.TotalFrames, fps = r.Fps, mimeType = r.MimeType,
                initSegment = $"/jobs/{r.Id}/init.mp4", untrained = r.Untrained, memoryPlan = r.MemoryPlan,
            });
        for (int n = 1; n <= r.Segments; n++)
            yield return new Event(2 + n, "clip", new { index = n - 1, clips = r.Clips, segment = $"/jobs/{r.Id}/seg/{n}" });
        if (r.IsActive) yield break;
        long final = 3 + r.Segments;
        string video = ApiRoutes.Job(r.Id) + "/video";
        yield return r.Status switch
        {
            JobStatus.Completed => new Event(final, "finished", new
            {
                video, frames = r.OutputFrames, elapsedSeconds = r.Elapsed?.TotalSeconds, timeToFirstClipSeconds = r.TimeToFirstClip?.TotalSeconds,
            }),
            JobStatus.Failed => new Event(final, "failed", new
            {
                kind = r.Error?.Kind.ToString(), message = r.Error?.Message, hint = r.Error?.Hint, clipsKept = r.Segments,
                video = r.Segments > 0 ? video : null,
            }),
            _ => new Event(final, r.Status.ToString().ToLowerInvariant(), new { clipsKept = r.Segments, video = r.Segments > 0 ? video : null }),
        };
    }

    private static Event? Transient(JobRecord record, Job? live, int position) => record.Status switch
    {
        JobStatus.Queued => new Event(null, "position", new { position }),
        JobStatus.Running when live?.Progress is { } p => new Event(null, "progress", JobResourceProgress.From(p)),
        _ => null,
    };

    private static long LastEventId(HttpRequest request)
    {
        string? text = request.Headers["Last-Event-ID"].FirstOrDefault() ?? request.Query["lastEventId"].FirstOrDefault();
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long id) ? id : 0;
    }

    private static async Task WriteAsync(HttpResponse response, Event e, CancellationToken ct)
    {
        string text = (e.Id is { } id ? $"id: {id}\n" : "") + $"event: {e.Type}\ndata: {JsonSerializer.Serialize(e.Data, Json)}\n\n";
        await response.WriteAsync(text, ct);
        await response.Body.FlushAsync(ct);
    }
}
