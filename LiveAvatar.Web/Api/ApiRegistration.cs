namespace LiveAvatar.Web.Api;

/// <summary>The HTTP API under /api/v1, its OpenAPI document and a reference page that renders it (no CDN: the
/// page is our own small script, since the machine may be offline).</summary>
public static class ApiRegistration
{
    public const string OpenApiPath = "/api/v1/openapi.json";
    public const string ReferencePath = "/api/v1/docs";

    public static WebApplicationBuilder AddLiveAvatarApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi("v1", o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "LiveAvatar API";
            doc.Info.Description = "Queue talking-avatar jobs, follow them as server-sent events, download the MP4. " +
                "On an exposed server send the key in the X-Api-Key header. Errors are RFC 9457 problem documents; " +
                "field problems are keyed by form field.";
            return Task.CompletedTask;
        }).AddOperationTransformer(JobFormDocumentation.DescribeAsync));
        return builder;
    }

    public static WebApplication MapLiveAvatarApi(this WebApplication app)
    {
        app.MapOpenApi("/api/{documentName}/openapi.json");
        app.MapGet(ReferencePath, () => Results.Content(ReferencePage, "text/html; charset=utf-8")).ExcludeFromDescription();
        var api = app.MapGroup(ApiRoutes.Prefix);
        api.MapJobs();
        api.MapHealth();
        api.MapLive();
        return app;
    }

    private const string ReferencePage = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>LiveAvatar API reference</title><link rel="stylesheet" href="/assets/api-reference.css"></head>
        <body><main id="api-reference" data-openapi="/api/v1/openapi.json"><h1>LiveAvatar API</h1><p>Loading the OpenAPI document…</p></main>
        <script src="/assets/api-reference.js"></script></body></html>
        """;
}
