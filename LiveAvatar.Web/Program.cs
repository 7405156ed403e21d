using LiveAvatar.Web;
using LiveAvatar.Web.Api;
using LiveAvatar.Web.Components;
using LiveAvatar.Web.Hosting;
using LiveAvatar.Web.Security;
using LiveAvatar.Web.Services;
using Microsoft.Extensions.FileProviders;

WebHostOptions options;
try
{
    options = WebHostOptions.Parse(args);
}
catch (WebHostOptionsException e)
{
    Console.Error.WriteLine($"LiveAvatar.Web: {e.Message}");
    Console.Error.WriteLine(WebHostOptions.Usage);
    return 2;
}
if (options.ShowHelp)
{
    Console.WriteLine(WebHostOptions.Usage);
    return 0;
}
SecurityRegistration.PrintExposureWarning(options);

// Content root is the app folder so the published wwwroot is found whatever the current directory is;
// our own options are not handed to ASP.NET configuration (only a test host's settings are).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = [.. options.HostArguments],
    ContentRootPath = options.HostArguments.Any(a => a.StartsWith("--contentRoot=", StringComparison.OrdinalIgnoreCase))
        ? null : AppContext.BaseDirectory,
});
builder.WebHost.UseUrls(options.Url);
builder.AddLiveAvatarServices(options).AddLiveAvatarSecurity(options).AddLiveAvatarApi();

var app = builder.Build();
app.UseLiveAvatarSecurity();
app.UseAntiforgery();
app.MapStaticAssets();
// Hand-written page JS/CSS and the sample inputs, copied from the repo's wwwroot-assets/ next to the app.
app.UseStaticFiles(new StaticFileOptions
{
    FileProvider = new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "wwwroot-assets")),
    RequestPath = "/assets",
});
app.MapLoginEndpoints();
app.MapLiveAvatarEndpoints();
app.MapLiveAvatarApi();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
await app.RunAsync();
return 0;
