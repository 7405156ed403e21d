namespace LiveAvatar.Web.Security;

/// <summary>Headers every response carries: no MIME sniffing (an upload is never run as script), a CSP that allows
/// only this origin's scripts and connections, no referrer to other sites, and no framing (clickjacking).</summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    // Inline styles: the component libraries set style attributes. Scripts: only files from this origin; Blazor
    // Server needs no eval. blob: media is the MediaSource preview. connect-src 'self' covers the Blazor WebSocket.
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "media-src 'self' blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; " +
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext http)
    {
        http.Response.OnStarting(() =>
        {
            var h = http.Response.Headers;
            h.XContentTypeOptions = "nosniff";
            h.ContentSecurityPolicy = ContentSecurityPolicy;
            // same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on the page's own form
            // posts (the login), which the Origin check must refuse.
            h["Referrer-Policy"] = "same-origin";
            h.XFrameOptions = "DENY";
            h["Cross-Origin-Opener-Policy"] = "same-origin";
            h["Cross-Origin-Resource-Policy"] = "same-origin";
            return Task.CompletedTask;
        });
        return next(http);
    }
}
