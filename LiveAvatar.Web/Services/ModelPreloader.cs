using LiveAvatar.Engine.Pipelines;

namespace LiveAvatar.Web.Services;

/// <summary>Loads the models once at start-up, off the request path, so the first job does not pay for it.
/// A failure is logged; the first job then reports it (with its hint) on the page.</summary>
public sealed class ModelPreloader(IVideoGenerator generator, ILogger<ModelPreloader> log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.Run(() =>
    {
        if (generator is not LiveAvatarGenerator g) return;
        try
        {
            g.EnsureLoaded();
            log.LogInformation("models loaded from {Dir}", g.Options.CheckpointDirectory);
            try
            {
                if (g.PrepareHostRings() is var rings and > 0)
                    log.LogInformation("{Rings} KV rings pinned in host memory for the memory plan, before the first job", rings);
            }
            catch (Exception e) when (e is System.Runtime.InteropServices.ExternalException or InvalidOperationException or OutOfMemoryException)
            {
                log.LogWarning("KV rings not pinned ahead (the first job pins them): {Message}", e.Message);
            }
            try
            {
                if (g.WarmVae()) log.LogInformation("VAE convolutions tuned for the default size, before the first job");
            }
            catch (Exception e) when (e is System.Runtime.InteropServices.ExternalException or InvalidOperationException or OutOfMemoryException)
            {
                log.LogWarning("VAE not warmed ahead (the first job tunes it): {Message}", e.Message);
            }
        }
        catch (Exception e) when (e is GenerationException or IOException or InvalidOperationException or System.Runtime.InteropServices.ExternalException or LiveAvatar.Engine.Runtime.TorchLoadException or NotSupportedException)
        {
            log.LogWarning("models not loaded: {Message}", e.Message);
        }
    }, stoppingToken);
}
