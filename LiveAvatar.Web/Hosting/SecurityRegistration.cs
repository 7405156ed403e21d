using LiveAvatar.Web.Security;
using Microsoft.AspNetCore.HostFiltering;

namespace LiveAvatar.Web.Hosting;

/// <summary>What keeps other machines and other web sites out: Host allow-list, Origin checks, the key, headers.</summary>
public static class SecurityRegistration
{
    public static WebApplicationBuilder AddLiveAvatarSecurity(this WebApplicationBuilder builder, WebHostOptions options)
    {
        builder.Services.AddSingleton(new AccessKey(options.ApiKey));
        // DNS rebinding: a page on attacker.example resolving to 127.0.0.1 sends "Host: attacker.example".
        // ASP.NET's host filtering runs first in the pipeline; an empty Host is refused too (400, not 500).
        builder.Services.Configure<HostFilteringOptions>(o =>
        {
            o.AllowedHosts = [.. options.AllowedHostNames];
            o.AllowEmptyHosts = false;
            o.IncludeFailureMessage = false;
        });
        builder.Services.AddProblemDetails();
        return builder;
    }

    public static WebApplication UseLiveAvatarSecurity(this WebApplication app)
    {
        // Unhandled errors become a bare problem document: no stack trace, no paths.
        app.UseExceptionHandler();
        app.UseMiddleware<SecurityHeadersMiddleware>();
        // Before the Origin check: it is what makes a WebSocket upgrade recognisable as one.
        app.UseWebSockets();
        app.UseMiddleware<OriginCheckMiddleware>();
        app.UseMiddleware<AccessMiddleware>();
        return app;
    }

    public static void PrintExposureWarning(WebHostOptions options)
    {
        if (!options.IsExposed) return;
        Console.Error.WriteLine(options.ExposureWarning);
    }
}
