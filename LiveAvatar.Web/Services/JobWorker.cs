namespace LiveAvatar.Web.Services;

/// <summary>Hosts the queue's single worker for the lifetime of the app. Nothing a job does stops it: the queue
/// fails that job, and anything that still escapes is logged and the loop goes on (a dead worker would leave the
/// page up but every job queued forever; a thrown BackgroundService would stop the whole host).</summary>
public sealed class JobWorker(JobQueue queue, ILogger<JobWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await queue.RunAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "The job worker hit an error and carries on with the next job");
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
