using LiveAvatar.Engine.Pipelines;

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

        app.MapGet("/api/jobs/{id}", (string id, HistoryStore history) =>
            history.Find(id) is { } record ? Results.Json(record) : Results.NotFound());

        app.MapGet("/uploads/{id}", (string id, UploadStore uploads) =>
            uploads.Find(id) is { } upload
                ? Results.File(uploads.PathOf(upload), upload.ContentType, enableRangeProcessing: true)
                : Results.NotFound());

        app.MapGet("/jobs/{id}/init.mp4", (string id, DataFolders folders) =>
            ServeIfExists(DataFolders.IsId(id) ? folders.InitSegmentPath(id) : null, SegmentType));

        app.MapGet("/jobs/{id}/seg/{n:int}", (string id, int n, DataFolders folders) =>
            ServeIfExists(DataFolders.IsId(id) && n > 0 ? folders.SegmentPath(id, n) : null, SegmentType));

        app.MapGet("/jobs/{id}/video.mp4", (string id, bool? download, HistoryStore history) =>
        {
            if (history.Find(id) is not { Status: JobStatus.Completed, OutputPath: { } path } record || !File.Exists(path))
                return Results.NotFound();
            return Results.File(path, "video/mp4", download == true ? DownloadName(record) : null, enableRangeProcessing: true);
        });

        // Init plus media segments, concatenated, is itself a playable fragmented MP4: what an interrupted or
        // cancelled run leaves.
        app.MapGet("/jobs/{id}/partial.mp4", async (string id, HttpContext http, HistoryStore history, DataFolders folders) =>
        {
            if (history.Find(id) is not { Segments: > 0 } record || !File.Exists(folders.InitSegmentPath(id)))
            {
                http.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            http.Response.ContentType = "video/mp4";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{DownloadName(record, "partial")}\"";
            await using (var init = File.OpenRead(folders.InitSegmentPath(id))) await init.CopyToAsync(http.Response.Body);
            for (int n = 1; n <= record.Segments; n++)
            {
                await using var segment = File.OpenRead(folders.SegmentPath(id, n));
                await segment.CopyToAsync(http.Response.Body);
            }
        });
    }

    public static string DownloadName(JobRecord record, string suffix = "") =>
        $"liveavatar-{record.SubmittedAt:yyyyMMdd_HHmmss}-{record.Parameters.SampleSteps}step" +
        (suffix.Length > 0 ? "-" + suffix : "") + ".mp4";

    private static IResult ServeIfExists(string? path, string type) =>
        path is not null && File.Exists(path) ? Results.File(path, type) : Results.NotFound();
}
