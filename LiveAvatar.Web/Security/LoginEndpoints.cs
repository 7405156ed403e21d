using System.Net;

namespace LiveAvatar.Web.Security;

/// <summary>The page's login when the server has a key: a plain form (no Blazor, so it works before any circuit
/// exists) that sets an HttpOnly, SameSite=Strict session cookie.</summary>
public static class LoginEndpoints
{
    public const string LoginPath = "/login";

    // A wrong key costs the guesser this long; the comparison itself is constant-time.
    private static readonly TimeSpan FailureDelay = TimeSpan.FromMilliseconds(400);

    public static void MapLoginEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(LoginPath, (string? @return) => Page(LocalOnly(@return), error: null));

        app.MapPost(LoginPath, async (HttpContext http, AccessKey key) =>
        {
            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            string target = LocalOnly(form["return"]);
            if (!key.Matches(form["key"]))
            {
                await Task.Delay(FailureDelay, http.RequestAborted);
                return Page(target, "That key is not right.", StatusCodes.Status401Unauthorized);
            }
            http.Response.Cookies.Append(AccessKey.SessionCookie, key.SessionValue, new CookieOptions
            {
                HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/", IsEssential = true,
                Secure = http.Request.IsHttps,
            });
            return Results.Redirect(target);
        }).DisableAntiforgery(); // the Origin check covers cross-site posts; there is no session yet to protect

        app.MapPost("/logout", (HttpContext http) =>
        {
            http.Response.Cookies.Delete(AccessKey.SessionCookie);
            return Results.Redirect(LoginPath);
        }).DisableAntiforgery();
    }

    /// <summary>Only a path on this server: "//evil.example" or "https://…" would make the login an open redirect.</summary>
    internal static string LocalOnly(string? target) =>
        target is { Length: > 0 } t && t[0] == '/' && !t.StartsWith("//", StringComparison.Ordinal) && !t.StartsWith("/\\", StringComparison.Ordinal)
            ? t : "/";

    private static IResult Page(string target, string? error, int status = StatusCodes.Status200OK)
    {
        string message = error is null ? "" : $"<p class=\"error\" role=\"alert\" data-testid=\"login-error\">{WebUtility.HtmlEncode(error)}</p>";
        string html = $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>LiveAvatar: log in</title><link rel="stylesheet" href="/assets/login.css"></head>
            <body><main>
            <h1>LiveAvatar</h1>
            <p>This server is reachable from the network, so it asks for its key (the one given with --api-key).</p>
            {{message}}
            <form method="post" action="{{LoginPath}}">
            <input type="hidden" name="return" value="{{WebUtility.HtmlEncode(target)}}">
            <label for="key">Key</label>
            <input id="key" name="key" type="password" autocomplete="current-password" required data-testid="login-key">
            <button type="submit" data-testid="login-submit">Log in</button>
            </form></main></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
