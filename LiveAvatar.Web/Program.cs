using LiveAvatar.Engine.Diagnostics;
using LiveAvatar.Web;
using LiveAvatar.Web.Components;
using Radzen;

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

// Content root is the app folder so the published wwwroot is found whatever the current directory is;
// our own options are not handed to ASP.NET configuration.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
builder.WebHost.UseUrls(options.Url);

builder.Services.AddSingleton(options);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<IEngineStatusProvider>(new NativeEngineStatusProvider(options.CheckpointDirectory));
builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddRadzenComponents();

var app = builder.Build();
app.UseAntiforgery();
app.MapStaticAssets();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
await app.RunAsync();
return 0;
