using System.Globalization;
using LiveAvatar.Engine.Pipelines;
using LiveAvatar.Web.Security;
using Microsoft.Extensions.Logging;

namespace LiveAvatar.Web.Services;

public enum RejectionReason { Invalid, Unavailable, QueueFull, DiskFull }

/// <summary>A submission the queue refused: the engine's field-keyed problems (or the queue's own, under
/// <see cref="RequestField"/>) and why, so the API can answer with the right status.</summary>
public sealed class JobRejectedException(IReadOnlyList<GenerationProblem> problems, RejectionReason reason = RejectionReason.Invalid)
    : Exception(string.Join(" ", problems.Select(p => p.Message)))
{
    /// <summary>The field of problems about the submission as a whole (queue full, disk full, no generator).</summary>
    public const string RequestField = "request";

    public JobRejectedException(string problem, RejectionReason reason) : this([new GenerationProblem(RequestField, problem)], reason) { }

    public IReadOnlyList<GenerationProblem> Problems { get; } = problems;
    public RejectionReason Reason { get; } = reason;
}

public enum JobAction { Done, NotFound, Forbidden, Conflict }

/// <summary>
/// One GPU, one job at a time: submissions wait in order; the single worker (<see cref="RunAsync"/>) runs them.
/// Each job's init segment, clip segments and record go to data/jobs/&lt;id&gt;/ as they arrive, so a reconnecting
/// page (or one after a restart) can replay them.
/// </summary>
public sealed partial class JobQueue(
    IVideoGenerator? generator, HistoryStore history, UploadStore uploads, DataFolders folders, TimeProvider time,
    ILogger<JobQueue> logger, QueueLimits? limits = null, DiskSpace? disk = null, LoraCatalog? loras = null)
{
    private readonly QueueLimits limits = limits ?? QueueLimits.Default;

    public const string GeneratorMissing =
        "Generator not available: this build registers no video generator, so jobs cannot run.";

    private readonly Lock gate = new();
    private readonly Lock submitGate = new();
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

    public QueueLimits Limits => limits;
    public LoraCatalog? Loras => loras;

    /// <summary>Checks and queues a job for <paramref name="client"/>: the form's rules, the engine's, the queue's
    /// bounds and the disk. Throws <see cref="JobRejectedException"/> with every problem.</summary>
    public Job Submit(JobParameters parameters, ClientIdentity client)
    {
        if (generator is null)
            throw new JobRejectedException([new(GenerationField.Devices, GeneratorMissing)], RejectionReason.Unavailable);
        parameters = parameters with { Prompt = TextSanitizer.MultiLine(parameters.Prompt, int.MaxValue) };
        var image = uploads.Find(parameters.ImageId);
        var audio = uploads.Find(parameters.AudioId);
        var problems = new List<GenerationProblem>();
        var conditioning = ConditioningInputs.Resolve(parameters, uploads, problems);
        problems.InsertRange(0, SubmissionRules.Check(parameters, image, audio, loras, conditioning));
        if (problems.Count > 0) throw new JobRejectedException(problems);
        if (disk?.Shortage() is { } shortage) throw new JobRejectedException(shortage, RejectionReason.DiskFull);

        string id = DataFolders.NewId();
        var request = RequestBuilder.Build(parameters, uploads.PathOf(image!), uploads.PathOf(audio!),
            folders.OutputPath(id), generator.Info, loras?.Resolve(parameters.LoraPath),
            conditioning.Paths(uploads, folders.JobDirectory(id)));
        var engineProblems = generator.Validate(request);
        if (engineProblems.Count > 0) throw new JobRejectedException(engineProblems);

        var record = new JobRecord
        {
            Id = id,
            Parameters = parameters,
            Image = image!,
            Audio = audio!,
            PoseVideo = conditioning.PoseVideo,
            SecondAudio = conditioning.SecondAudio,
            SpeakerMasks = conditioning.MaskUploads,
            OwnerId = client.Id,
            Status = JobStatus.Queued,
            SubmittedAt = time.GetUtcNow(),
            Log = [$"{Stamp()} queued"],
        };
        var job = new Job(record, request);
        // One submission at a time: the bounds are checked, the record written and the job queued as one step, so
        // parallel submissions cannot overshoot the bounds and the worker never sees a job before its record.
        lock (submitGate)
        {
            lock (gate)
            {
                int total = waiting.Count + (running is null ? 0 : 1);
                int mine = waiting.Count(j => j.Record.OwnerId == client.Id) + (running?.Record.OwnerId == client.Id ? 1 : 0);
                if (total >= limits.MaxPending)
                    throw new JobRejectedException($"The queue is full ({limits.MaxPending} jobs waiting or running); try again when one has finished.",
                        RejectionReason.QueueFull);
                if (mine >= limits.MaxPendingPerClient)
                    throw new JobRejectedException($"You already have {mine} jobs waiting or running (the limit is {limits.MaxPendingPerClient}); " +
                        "wait for one to finish or cancel one.", RejectionReason.QueueFull);
            }
            try
            {
                conditioning.PaintMasks(image!, folders.JobDirectory(id));
                history.Save(record);
            }
            catch (IOException e)
            {
                history.Forget(record.Id);
                bool full = DiskSpace.IsDiskFull(e);
                throw new JobRejectedException(full
                    ? $"{DiskSpace.DiskFullTitle}: the job could not be recorded in the data folder. Free some space and submit again."
                    : "The job could not be recorded in the data folder: " + ErrorText.ForClient(e.Message, folders),
                    full ? RejectionReason.DiskFull : RejectionReason.Unavailable);
            }
            lock (gate) waiting.Add(job);
        }
        signal.Release();
        Changed?.Invoke();
        return job;
    }

    /// <summary>Cancels a waiting job at once, or asks the running one to stop (it keeps its finished clips).
    /// Only the job's owner or an admin may.</summary>
    public JobAction Cancel(string id, ClientIdentity client)
    {
        Job? job;
        lock (gate)
        {
            job = waiting.FirstOrDefault(j => j.Id == id);
            if (job is not null)
            {
                if (!client.Owns(job.Record.OwnerId)) return JobAction.Forbidden;
                waiting.Remove(job);
            }
        }
        if (job is not null)
        {
            history.TrySave(job.Update(r => r with
            {
                Status = JobStatus.Cancelled,
                FinishedAt = time.GetUtcNow(),
                Log = Job.Append(r.Log, $"{Stamp()} cancelled while waiting"),
            }), logger);
            Changed?.Invoke();
            return JobAction.Done;
        }
        lock (gate) job = running?.Id == id ? running : null;
        if (job is null) return history.Find(id) is null ? JobAction.NotFound : JobAction.Conflict;
        if (!client.Owns(job.Record.OwnerId)) return JobAction.Forbidden;
        job.Update(r => r with { Log = Job.Append(r.Log, $"{Stamp()} cancel requested; stopping after the current block") });
        job.Cancellation.Cancel();
        return JobAction.Done;
    }

    /// <summary>Removes a finished run, its files and the uploads no other run uses; queued and running jobs must
    /// be cancelled first. Only the job's owner or an admin may.</summary>
    public JobAction Delete(string id, ClientIdentity client)
    {
        if (PositionOf(id) >= 0) return JobAction.Conflict;
        if (history.Find(id) is not { } record) return JobAction.NotFound;
        if (record.OwnerId is not null && !client.Owns(record.OwnerId)) return JobAction.Forbidden;
        if (!history.Delete(id)) return JobAction.NotFound;
        var stillUsed = history.All.SelectMany(r => r.UploadIds).ToHashSet();
        foreach (string upload in record.UploadIds.Where(u => !stillUsed.Contains(u)))
            uploads.Delete(upload);
        return JobAction.Done;
    }

    /// <summary>The worker loop: runs jobs one at a time until <paramref name="stopping"/> fires.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            await signal.WaitAsync(stopping);
            while (await RunNextAsync(stopping)) { }
        }
        stopping.ThrowIfCancellationRequested();
    }

    /// <summary>Runs the next waiting job to its end; false when none was waiting.</summary>
    public async Task<bool> RunNextAsync(CancellationToken stopping = default)
    {
        Job? job;
        lock (gate)
        {
            if (running is not null || waiting.Count == 0 || IsPausedForLive) return false;
            job = running = waiting[0];
            waiting.RemoveAt(0);
        }
        Changed?.Invoke();
        try
        {
            if (disk?.Shortage() is { } shortage)
            {
                Fail(job, new JobError(GenerationErrorKind.Internal, shortage, DiskFullHint));
                return true;
            }
            history.Save(job.Update(r => r with
            {
                Status = JobStatus.Running,
                StartedAt = time.GetUtcNow(),
                Log = Job.Append(r.Log, $"{Stamp()} started"),
            }));
            await RunJobAsync(job, stopping);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
        {
            // Whatever one job does, the worker goes on to the next (a full disk fails this job, not the server).
            logger.LogError(e, "Job {Id} failed outside the generator", job.Id);
            Fail(job, ErrorFor(e));
        }
        finally
        {
            lock (gate) running = null;
            Changed?.Invoke();
        }
        return true;
    }
}
