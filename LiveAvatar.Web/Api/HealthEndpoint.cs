using LiveAvatar.Engine.Diagnostics;
using LiveAvatar.Web.Services;

namespace LiveAvatar.Web.Api;

/// <summary>GET /api/v1/health: is the engine usable, what devices and memory it has, how full the queue and disk are.</summary>
public static class HealthEndpoint
{
    public sealed record Health(string Status, bool Generator, bool? DemoWeights, bool? LoraLoaded, IReadOnlyList<HealthDevice> Devices,
        HealthQueue Queue, HealthDisk Disk, HealthMemory Memory, string? LastError);

    public sealed record HealthDevice(string Id, string Name, long? TotalBytes, long? FreeBytes, long? AllocatedBytes);
    public sealed record HealthQueue(bool Running, int Waiting, int MaxPending, int MaxPendingPerClient);
    public sealed record HealthDisk(long FreeBytes, long MinimumFreeBytes);
    public sealed record HealthMemory(long WorkingSetBytes, long ManagedHeapBytes);

    public static RouteGroupBuilder MapHealth(this RouteGroupBuilder api)
    {
        api.MapGet("/health", (JobQueue queue, DiskSpace disk, IEngineStatusProvider engine) =>
        {
            var info = queue.Generator?.Info;
            var status = engine.GetStatus();
            var active = queue.Active;
            string? shortage = disk.Shortage();
            return TypedResults.Ok(new Health(
                queue.Generator is null || shortage is not null || !status.Checkpoint.IsComplete ? "degraded" : "ok",
                queue.Generator is not null, info?.IsDemo, info?.LoraLoaded,
                status.Devices.Select(d => new HealthDevice(d.Id, d.Name, d.TotalBytes, d.FreeBytes, d.AllocatedBytes)).ToList(),
                new HealthQueue(active.Any(j => j.Record.Status == JobStatus.Running), active.Count(j => j.Record.Status == JobStatus.Queued),
                    queue.Limits.MaxPending, queue.Limits.MaxPendingPerClient),
                new HealthDisk(disk.FreeBytes, disk.MinimumFreeBytes),
                new HealthMemory(Environment.WorkingSet, GC.GetTotalMemory(false)),
                queue.LastError?.Message));
        }).WithTags("Server").WithName("Health").WithSummary("Engine state, devices, memory, queue and disk.");
        return api;
    }
}
