using LiveAvatar.Engine.Diagnostics;
using LiveAvatar.Engine.Live;
using LiveAvatar.Engine.Pipelines;
using LiveAvatar.Web.Live;
using LiveAvatar.Web.Services;
using MudBlazor.Services;

namespace LiveAvatar.Web.Hosting;

/// <summary>The app's services: stores over the data folder, the queue and its worker, the generator.</summary>
public static class ServiceRegistration
{
    public static WebApplicationBuilder AddLiveAvatarServices(this WebApplicationBuilder builder, WebHostOptions options)
    {
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IEngineStatusProvider>(new NativeEngineStatusProvider(options.CheckpointDirectory));
        services.AddSingleton(new DataFolders(options.DataDirectory));
        services.AddSingleton(options.Uploads);
        services.AddSingleton(options.Queue);
        services.AddSingleton(sp => new DiskSpace(sp.GetRequiredService<DataFolders>(), options.Queue.MinFreeDiskBytes));
        services.AddSingleton(new LoraCatalog(options.CheckpointDirectory));
        services.AddSingleton<UploadStore>();
        services.AddSingleton<HistoryStore>();
        services.AddSingleton(sp => new JobQueue(
            sp.GetService<IVideoGenerator>(), // optional: without a generator the page says so and Generate stays off
            sp.GetRequiredService<HistoryStore>(), sp.GetRequiredService<UploadStore>(), sp.GetRequiredService<DataFolders>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<JobQueue>>(),
            options.Queue, sp.GetRequiredService<DiskSpace>(), sp.GetRequiredService<LoraCatalog>()));
        // Hosted services start in this order: clean the data folder before the worker may write to it.
        services.AddHostedService<DataSweeper>();
        services.AddHostedService<JobWorker>();
        services.AddSingleton(sp => new ExampleLibrary(
            Path.Combine(AppContext.BaseDirectory, "wwwroot-assets", "examples"), sp.GetRequiredService<UploadStore>()));

        // The engine's generator; outputs of the web jobs live under the data folder. Models load once, in the background.
        services.AddSingleton<IVideoGenerator>(new LiveAvatarGenerator(new GeneratorOptions(options.CheckpointDirectory)
        {
            OutputDirectory = Path.Combine(options.DataDirectory, "outputs"),
        }));
        services.AddHostedService<ModelPreloader>();
        // Live sessions run on the same engine (when it can: a test's scripted generator cannot).
        services.AddSingleton(sp => new LiveSessions(sp.GetService<IVideoGenerator>() as ILiveSessionHost, sp.GetRequiredService<JobQueue>()));

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddSingleton(sp => new AudioWaveforms(sp.GetRequiredService<UploadStore>()));
        return builder;
    }
}
