namespace LiveAvatar.Web.Security;

/// <summary>
/// Refuses requests a browser makes on behalf of another site: a WebSocket (the Blazor circuit, the live session),
/// a request to the Blazor hub, or any state-changing method whose Origin is not this server. Browsers always send
/// Origin on those; scripts (curl) send none and are judged by the key alone.
/// </summary>
public sealed class OriginCheckMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var request = http.Request;
        bool guarded = http.WebSockets.IsWebSocketRequest
            || request.Path.StartsWithSegments("/_blazor")
            || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method));
        string? origin = request.Headers.Origin.Count > 0 ? request.Headers.Origin[0] : null;
        if (guarded && origin is not null && !IsSameOrigin(origin, request))
        {
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            await Results.Problem(statusCode: 403, title: "Cross-origin request refused",
                detail: "Requests from other web sites are not accepted; open the page from this server.").ExecuteAsync(http);
            return;
        }
        await next(http);
    }

    /// <summary>The Host header was already checked against the allow-list, so matching it is enough.</summary>
    internal static bool IsSameOrigin(string origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && uri.Scheme is "http" or "https"
        && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
}
