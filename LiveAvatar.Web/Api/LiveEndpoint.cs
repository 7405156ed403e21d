using LiveAvatar.Web.Live;
using LiveAvatar.Web.Security;
using LiveAvatar.Web.Services;

namespace LiveAvatar.Web.Api;

/// <summary>GET /api/v1/live: the live session's WebSocket (docs/live-protocol.md). The security middleware has
/// already checked the Origin (browsers) and the key (exposed servers) before the upgrade.</summary>
public static class LiveEndpoint
{
    public static RouteGroupBuilder MapLive(this RouteGroupBuilder api)
    {
        api.MapGet("/live", async (HttpContext http, LiveSessions sessions, UploadStore uploads, HistoryStore history,
            DataFolders folders, TimeProvider time, ILogger<LiveSocketSession> logger) =>
        {
            if (!http.WebSockets.IsWebSocketRequest)
                return ApiProblems.Problem(StatusCodes.Status426UpgradeRequired, "WebSocket required",
                    "The live session runs over a WebSocket: connect with ws:// or wss:// (see docs/live-protocol.md).", "websocket-required");
            using var socket = await http.WebSockets.AcceptWebSocketAsync();
            var session = new LiveSocketSession(socket, sessions, uploads, history, folders, AccessMiddleware.ClientOf(http), time, logger);
            await session.RunAsync(http.RequestAborted);
            return Results.Empty;
        })
        .WithTags("Live")
        .WithName("LiveSession")
        .WithSummary("Live session over a WebSocket: a JSON start message, binary 16 kHz mono s16le PCM, a stop message; " +
            "events for started, init/block segments (fMP4), latency, behind real time, errors and the stored recording.")
        .ProducesProblem(StatusCodes.Status426UpgradeRequired);
        return api;
    }
}
