using LiveAvatar.Engine.Pipelines;
using LiveAvatar.Web.Api;

namespace LiveAvatar.Web.Services;

/// <summary>HTTP routes for what the page streams or downloads: uploads, preview segments, final videos, and a
/// small info document the tests and scripts read.</summary>
public static class MediaEndpoints
{
    private const string SegmentType = "video/mp4";

    public static void MapLiveAvatarEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/info", (JobQueue queue) =>
        {
            GeneratorInfo? info = queue.Generator?.Info;
            return Results.Json(new
            {
                generator = info is not null,
                isDemo = info?.IsDemo,
                devices = info?.Devices ?? [],
                queue = queue.Active.Count,
                lastError = queue.LastError?.Message,
            });
        });

        // The client's view of a run: no server paths (see JobResource).
        app.MapGet("/api/jobs/{id}", (string id, HistoryStore history, JobQueue queue) =>
            history.Find(id) is { } record
                ? Results.Json(JobResource.From(record, queue.FindActive(id)?.Progress, queue.PositionOf(id)))
                : Results.NotFound());

        // Media answers HEAD as well as GET (players and download tools ask for the size first).
        string[] getHead = [HttpMethods.Get, HttpMethods.Head];

        app.MapMethods("/uploads/{id}", getHead, (string id, UploadStore uploads) =>
            uploads.Find(id) is { } upload
                ? Results.File(uploads.PathOf(upload), upload.ContentType, enableRangeProcessing: true)
                : Results.NotFound());

        app.MapMethods("/jobs/{id}/init.mp4", getHead, (string id, DataFolders folders) =>
            ServeIfExists(DataFolders.IsId(id) ? folders.InitSegmentPath(id) : null, SegmentType));

        app.MapMethods("/jobs/{id}/seg/{n:int}", getHead, (string id, int n, DataFolders folders) =>
            ServeIfExists(DataFolders.IsId(id) && n > 0 ? folders.SegmentPath(id, n) : null, SegmentType));

        app.MapMethods("/jobs/{id}/video.mp4", getHead, (string id, bool? download, HistoryStore history) =>
        {
            if (history.Find(id) is not { Status: JobStatus.Completed, OutputPath: { } path } record || !File.Exists(path))
                return Results.NotFound();
            return Results.File(path, "video/mp4", download == true ? DownloadName(record) : null, enableRangeProcessing: true);
        });

        // Init plus media segments, concatenated, is itself a playable fragmented MP4: what an interrupted or
        // cancelled run leaves. Served as one seekable stream, so range requests (seeking, resumed downloads) work.
        app.MapMethods("/jobs/{id}/partial.mp4", getHead, (string id, HistoryStore history, DataFolders folders) =>
            PartialVideo(id, history, folders) is { } partial ? partial : Results.NotFound());
    }

    /// <summary>The finished clips of a run as one fragmented MP4, or null when it has none.</summary>
    public static IResult? PartialVideo(string id, HistoryStore history, DataFolders folders)
    {
        if (history.Find(id) is not { Segments: > 0 } record || !File.Exists(folders.InitSegmentPath(id))) return null;
        var files = Enumerable.Range(1, record.Segments).Select(n => folders.SegmentPath(id, n)).Prepend(folders.InitSegmentPath(id)).ToList();
        if (!files.All(File.Exists)) return null;
        return Results.Stream(new ConcatenatedFileStream(files), "video/mp4", DownloadName(record, "partial"), enableRangeProcessing: true);
    }

    public static string DownloadName(JobRecord record, string suffix = "") =>
        $"liveavatar-{record.SubmittedAt:yyyyMMdd_HHmmss}-{record.Parameters.SampleSteps}step" +
        (suffix.Length > 0 ? "-" + suffix : "") + ".mp4";

    private static IResult ServeIfExists(string? path, string type) =>
        path is not null && File.Exists(path) ? Results.File(path, type) : Results.NotFound();
}
