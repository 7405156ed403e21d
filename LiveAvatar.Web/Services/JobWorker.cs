namespace LiveAvatar.Web.Services;

/// <summary>Hosts the queue's single worker for the lifetime of the app.</summary>
public sealed class JobWorker(JobQueue queue) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await queue.RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
