namespace LiveAvatar.Web.Security;

/// <summary>
/// Decides who the request comes from and whether it may proceed. With a key configured (always when the server
/// is exposed) every route but the login page needs the key: the API in a header, the page through the login
/// cookie. Everyone gets a client cookie so their jobs stay theirs.
/// </summary>
public sealed class AccessMiddleware(RequestDelegate next, AccessKey key)
{
    private const string ItemKey = "liveavatar.client";

    public async Task InvokeAsync(HttpContext http)
    {
        bool admin = key.Matches(AccessKey.FromHeaders(http.Request.Headers))
            || key.MatchesSession(http.Request.Cookies[AccessKey.SessionCookie]);
        if (key.IsRequired && !admin && !IsPublic(http.Request.Path))
        {
            await RefuseAsync(http);
            return;
        }
        string? id = http.Request.Cookies[ClientIdentity.CookieName];
        if (!ClientIdentity.IsValidId(id))
        {
            id = ClientIdentity.NewAnonymous().Id;
            http.Response.Cookies.Append(ClientIdentity.CookieName, id, new CookieOptions
            {
                HttpOnly = true, SameSite = SameSiteMode.Strict, Path = "/", IsEssential = true,
                MaxAge = TimeSpan.FromDays(365),
            });
        }
        http.Items[ItemKey] = new ClientIdentity(id!, admin);
        await next(http);
    }

    public static ClientIdentity ClientOf(HttpContext http) =>
        http.Items[ItemKey] as ClientIdentity ?? throw new InvalidOperationException("AccessMiddleware did not run for this request.");

    /// <summary>The login form and what it needs; nothing else answers without the key.</summary>
    private static bool IsPublic(PathString path) =>
        path.Equals(LoginEndpoints.LoginPath, StringComparison.OrdinalIgnoreCase)
        || path.Equals("/assets/login.css", StringComparison.OrdinalIgnoreCase)
        || path.Equals("/favicon.ico", StringComparison.OrdinalIgnoreCase);

    private static async Task RefuseAsync(HttpContext http)
    {
        bool wantsPage = HttpMethods.IsGet(http.Request.Method)
            && !http.Request.Path.StartsWithSegments("/api")
            && !http.Request.Path.StartsWithSegments("/_blazor")
            && http.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
        if (wantsPage)
        {
            http.Response.Redirect(LoginEndpoints.LoginPath + "?return=" + Uri.EscapeDataString(http.Request.Path + http.Request.QueryString));
            return;
        }
        http.Response.StatusCode = StatusCodes.Status401Unauthorized;
        http.Response.Headers.WWWAuthenticate = "ApiKey header=\"X-Api-Key\"";
        await Results.Problem(statusCode: 401, title: "Key required",
            detail: $"This server is exposed to the network and needs its key: send it in the {AccessKey.HeaderName} header " +
                    $"(scripts) or log in at {LoginEndpoints.LoginPath} (browsers).").ExecuteAsync(http);
    }
}
