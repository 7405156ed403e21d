using LiveAvatar.Engine.Pipelines;

namespace LiveAvatar.Web.Services;

/// <summary>A queued or running job as its watchers see it. <see cref="Record"/> is an immutable snapshot replaced on
/// every change, so a component can read it from any thread without locks.</summary>
public sealed class Job
{
    public const int LogLines = 200;

    private readonly Lock gate = new();

    internal Job(JobRecord record, GenerationRequest request)
    {
        Record = record;
        Request = request;
    }

    public string Id => Record.Id;
    public JobRecord Record { get; private set; }
    public GenerationRequest Request { get; }

    /// <summary>The latest progress report; not persisted (the log keeps its messages).</summary>
    public GenerationProgress? Progress { get; private set; }

    /// <summary>Raised after every change, on the worker's thread.</summary>
    public event Action<Job>? Changed;

    internal CancellationTokenSource Cancellation { get; } = new();

    internal JobRecord Update(Func<JobRecord, JobRecord> change, GenerationProgress? progress = null)
    {
        JobRecord updated;
        lock (gate)
        {
            updated = Record = change(Record);
            if (progress is not null) Progress = progress;
        }
        Changed?.Invoke(this);
        return updated;
    }

    internal static IReadOnlyList<string> Append(IReadOnlyList<string> log, string line) =>
        log.Count < LogLines ? [.. log, line] : [.. log.Skip(log.Count - LogLines + 1), line];
}
