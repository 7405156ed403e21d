using LiveAvatar.Web.Security;
using LiveAvatar.Web.Services;

namespace LiveAvatar.Web.Components.Generation;

/// <param name="CanCancel">The viewer owns the job (or is an admin): only then is its cancel button offered.</param>
public sealed record QueueRow(string Id, string Label, string Position, bool IsRunning, bool IsWatched, bool CanCancel);

/// <summary>The queue as rows: the running job, then the waiting ones with their place in line.</summary>
public static class QueueView
{
    public static IReadOnlyList<QueueRow> From(IReadOnlyList<Job> active, string? watchedId, ClientIdentity? viewer = null) =>
        active.Select((job, i) =>
        {
            var r = job.Record;
            bool running = r.Status == JobStatus.Running;
            string position = running ? "running" : $"#{i + (active[0].Record.Status == JobStatus.Running ? 0 : 1)} waiting";
            string label = $"{r.Image.OriginalName} + {r.Audio.OriginalName} · {r.Parameters.Size} · {r.Parameters.NumClip} clips";
            return new QueueRow(job.Id, label, position, running, job.Id == watchedId,
                viewer?.Owns(r.OwnerId) ?? false);
        }).ToList();
}
