using LiveAvatar.Engine.Diagnostics;
using LiveAvatar.Engine.Pipelines;
using LiveAvatar.Web;
using LiveAvatar.Web.Components;
using LiveAvatar.Web.Services;
using Microsoft.Extensions.FileProviders;
using MudBlazor.Services;

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
builder.Services.AddSingleton(new DataFolders(options.DataDirectory));
builder.Services.AddSingleton(options.Uploads);
builder.Services.AddSingleton<UploadStore>();
builder.Services.AddSingleton<HistoryStore>();
builder.Services.AddSingleton(sp => new JobQueue(
    sp.GetService<IVideoGenerator>(), // optional: without a generator the page says so and Generate stays off
    sp.GetRequiredService<HistoryStore>(), sp.GetRequiredService<UploadStore>(), sp.GetRequiredService<DataFolders>(),
    sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<JobQueue>>()));
builder.Services.AddHostedService<JobWorker>();
builder.Services.AddSingleton(sp => new ExampleLibrary(
    Path.Combine(AppContext.BaseDirectory, "wwwroot-assets", "examples"), sp.GetRequiredService<UploadStore>()));

// The engine's generator; outputs of the web jobs live under the data folder. Models load once, in the background.
builder.Services.AddSingleton<IVideoGenerator>(new LiveAvatarGenerator(new GeneratorOptions(options.CheckpointDirectory)
{
    OutputDirectory = Path.Combine(options.DataDirectory, "outputs"),
}));
builder.Services.AddHostedService<ModelPreloader>();

builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddMudServices();
builder.Services.AddSingleton(sp => new AudioWaveforms(sp.GetRequiredService<UploadStore>()));

var app = builder.Build();
app.UseAntiforgery();
app.MapStaticAssets();
// Hand-written page JS/CSS and the sample inputs, copied from the repo's wwwroot-assets/ next to the app.
app.UseStaticFiles(new StaticFileOptions
{
    FileProvider = new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "wwwroot-assets")),
    RequestPath = "/assets",
});
app.MapLiveAvatarEndpoints();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
await app.RunAsync();
return 0;
