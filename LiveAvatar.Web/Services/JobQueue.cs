using System.Globalization;
using LiveAvatar.Engine.Pipelines;
using Microsoft.Extensions.Logging;

namespace LiveAvatar.Web.Services;

/// <summary>A submission the queue refused, with the engine's field-keyed problems.</summary>
public sealed class JobRejectedException(IReadOnlyList<GenerationProblem> problems)
    : Exception(string.Join(" ", problems.Select(p => p.Message)))
{
    public IReadOnlyList<GenerationProblem> Problems { get; } = problems;
}

/// <summary>
/// One GPU, one job at a time: submissions wait in order; the single worker (<see cref="RunAsync"/>) runs them.
/// Each job's init segment, clip segments and record go to data/jobs/&lt;id&gt;/ as they arrive, so a reconnecting
/// page (or one after a restart) can replay them.
/// </summary>
public sealed partial class JobQueue(
    IVideoGenerator? generator, HistoryStore history, UploadStore uploads, DataFolders folders, TimeProvider time,
    ILogger<JobQueue> logger)
{
    public const string GeneratorMissing =
        "Generator not available: this build registers no video generator, so jobs cannot run.";

    private readonly Lock gate = new();
    private readonly List<Job> waiting = [];
    private readonly SemaphoreSlim signal = new(0);
    private Job? running;

    public IVideoGenerator? Generator => generator;

    /// <summary>Membership or status of queued/running jobs changed.</summary>
    public event Action? Changed;

    public JobError? LastError { get; private set; }
    public DateTimeOffset? LastErrorAt { get; private set; }

    /// <summary>Running job first, then the waiting ones in order.</summary>
    public IReadOnlyList<Job> Active
    {
        get { lock (gate) return running is null ? [.. waiting] : [running, .. waiting]; }
    }

    public Job? FindActive(string? id) => Active.FirstOrDefault(j => j.Id == id);

    /// <summary>0 for the running job, 1.. for waiting ones, -1 when not in the queue.</summary>
    public int PositionOf(string id)
    {
        lock (gate)
        {
            if (running?.Id == id) return 0;
            int index = waiting.FindIndex(j => j.Id == id);
            return index < 0 ? -1 : index + 1;
        }
    }

    public Job Submit(JobParameters parameters)
    {
        if (generator is null) throw new JobRejectedException([new(GenerationField.Devices, GeneratorMissing)]);
        var image = uploads.Find(parameters.ImageId);
        var audio = uploads.Find(parameters.AudioId);
        var problems = new List<GenerationProblem>();
        if (image is not { Kind: UploadKind.Image }) problems.Add(new(GenerationField.Image, "Upload a reference image first."));
        if (audio is not { Kind: UploadKind.Audio }) problems.Add(new(GenerationField.Audio, "Upload an audio file first."));
        if (problems.Count > 0) throw new JobRejectedException(problems);

        string id = DataFolders.NewId();
        var request = RequestBuilder.Build(parameters, uploads.PathOf(image!), uploads.PathOf(audio!),
            folders.OutputPath(id), generator.Info);
        var engineProblems = generator.Validate(request);
        if (engineProblems.Count > 0) throw new JobRejectedException(engineProblems);

        var record = new JobRecord
        {
            Id = id,
            Parameters = parameters,
            Image = image!,
            Audio = audio!,
            Status = JobStatus.Queued,
            SubmittedAt = time.GetUtcNow(),
            Log = [$"{Stamp()} queued"],
        };
        var job = new Job(record, request);
        history.Save(record);
        lock (gate) waiting.Add(job);
        signal.Release();
        Changed?.Invoke();
        return job;
    }

    /// <summary>Cancels a waiting job at once, or asks the running one to stop (it keeps its finished clips).</summary>
    public bool Cancel(string id)
    {
        Job? job;
        lock (gate)
        {
            job = waiting.FirstOrDefault(j => j.Id == id);
            if (job is not null) waiting.Remove(job);
        }
        if (job is not null)
        {
            history.Save(job.Update(r => r with
            {
                Status = JobStatus.Cancelled,
                FinishedAt = time.GetUtcNow(),
                Log = Job.Append(r.Log, $"{Stamp()} cancelled while waiting"),
            }));
            Changed?.Invoke();
            return true;
        }
        lock (gate) job = running?.Id == id ? running : null;
        if (job is null) return false;
        job.Update(r => r with { Log = Job.Append(r.Log, $"{Stamp()} cancel requested; stopping after the current block") });
        job.Cancellation.Cancel();
        return true;
    }

    /// <summary>Removes a finished run and its files; queued and running jobs must be cancelled first.</summary>
    public bool Delete(string id) => PositionOf(id) < 0 && history.Delete(id);

    /// <summary>The worker loop: runs jobs one at a time until <paramref name="stopping"/> fires.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            await signal.WaitAsync(stopping);
            while (await RunNextAsync(stopping)) { }
        }
    }

    /// <summary>Runs the next waiting job to its end; false when none was waiting.</summary>
    public async Task<bool> RunNextAsync(CancellationToken stopping = default)
    {
        Job? job;
        lock (gate)
        {
            if (running is not null || waiting.Count == 0) return false;
            job = running = waiting[0];
            waiting.RemoveAt(0);
        }
        history.Save(job.Update(r => r with
        {
            Status = JobStatus.Running,
            StartedAt = time.GetUtcNow(),
            Log = Job.Append(r.Log, $"{Stamp()} started"),
        }));
        Changed?.Invoke();
        try
        {
            await RunJobAsync(job, stopping);
        }
        finally
        {
            lock (gate) running = null;
            Changed?.Invoke();
        }
        return true;
    }
}
