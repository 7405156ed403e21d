using LiveAvatar.Web.Security;
using LiveAvatar.Web.Services;

namespace LiveAvatar.Web.Components.Generation;

public enum GenerateOutcome { Started, WaitingForUploads, Refused }

/// <summary>
/// Everything the generation page does, without markup: uploads, examples, presets and regenerate into the form,
/// submit/cancel through the queue, and which job this page watches. Components render it and forward clicks.
/// Events come from the worker thread; the page marshals them with InvokeAsync.
/// </summary>
public sealed partial class GenerationPageState : IDisposable
{
    private readonly JobQueue queue;
    private readonly HistoryStore history;
    private readonly UploadStore uploads;
    private readonly ExampleLibrary examples;
    private readonly TimeProvider time;
    private readonly Random random;
    private JobStatus? watchedStatus;
    private readonly ClientIdentity client;

    /// <param name="client">Who this page acts for (the browser's client cookie); without one, the page is its own
    /// client, so it can manage only the jobs it submitted.</param>
    public GenerationPageState(JobQueue queue, HistoryStore history, UploadStore uploads, ExampleLibrary examples,
        TimeProvider time, Random? random = null, ClientIdentity? client = null)
    {
        this.client = client ?? ClientIdentity.NewAnonymous();
        this.queue = queue;
        this.history = history;
        this.uploads = uploads;
        this.examples = examples;
        this.time = time;
        this.random = random ?? Random.Shared;
        Form.GpuCount = DevicePlanner.Gpus(queue.Generator?.Info.Devices ?? []).Count;
        queue.Changed += RaiseChanged;
        history.Changed += RaiseChanged;
    }

    public GenerationForm Form { get; } = new();

    /// <summary>Raised when anything shown may have changed (job progress, queue, history, uploads).</summary>
    public event Action? Changed;

    /// <summary>Something worth a snackbar: an upload refused, a submission refused, the watched job failing.</summary>
    public event Action<PageNotice>? Notice;

    /// <summary>A job was queued without a click on this page's button (it waited for uploads to finish).</summary>
    public event Action<string>? Submitted;

    public bool GeneratorAvailable => queue.Generator is not null;
    public string? GeneratorMessage => GeneratorAvailable ? null : JobQueue.GeneratorMissing;

    public bool SubmitAttempted { get; private set; }
    public IReadOnlyList<string> SubmitProblems { get; private set; } = [];
    public string? LoraStatus { get; private set; }

    public string? WatchedId { get; private set; }
    public Job? LiveJob { get; private set; }
    public JobRecord? Watched => LiveJob?.Record ?? history.Find(WatchedId);

    public ProgressView? Progress => Watched is { } r
        ? ProgressView.From(r, LiveJob?.Progress, queue.PositionOf(r.Id))
        : null;

    /// <summary>Control errors to show: wrong values always, missing inputs only after a Generate click.</summary>
    public IReadOnlyDictionary<string, string> Errors => Form.Validate()
        .Where(e => SubmitAttempted || !IsMissingInput(e.Key))
        .ToDictionary(e => e.Key, e => e.Value);

    private bool IsMissingInput(string control) => control is "image-upload" or "audio-upload" or "lora-path" or "speaker-marks"
        || control == "prompt" && string.IsNullOrWhiteSpace(Form.Prompt);

    public bool CanGenerate => GeneratorAvailable && !GenerateRequested;
    public bool CanCancel => Watched?.IsActive == true;

    public IReadOnlyList<QueueRow> QueueRows => QueueView.From(queue.Active, WatchedId, client);
    public IReadOnlyList<HistoryRow> HistoryRows => HistoryView.From(history.All, time.LocalTimeZone);

    public void ApplyPreset(string id)
    {
        if (Presets.Find(id) is { } preset) Form.Apply(preset);
    }

    public void RandomizeSeed() => Form.RandomizeSeed(random);

    /// <summary>Queues the form as a job and starts watching it. While files are still uploading the job is
    /// remembered and queued as soon as they are in (<see cref="Submitted"/> then says so).</summary>
    public GenerateOutcome Generate()
    {
        SubmitAttempted = true;
        if (!GeneratorAvailable)
        {
            SubmitProblems = [JobQueue.GeneratorMissing];
            return GenerateOutcome.Refused;
        }
        if (IsUploading)
        {
            GenerateRequested = true;
            SubmitProblems = [];
            RaiseChanged();
            return GenerateOutcome.WaitingForUploads;
        }
        var errors = Form.Validate();
        if (errors.Count > 0) return Refuse(errors.Values.ToList());
        try
        {
            var job = queue.Submit(Form.ToParameters(), client);
            SubmitProblems = [];
            Watch(job.Id);
            return GenerateOutcome.Started;
        }
        catch (JobRejectedException e)
        {
            return Refuse(e.Problems.Select(p => p.Message).ToList());
        }
    }

    public bool Cancel(string? id = null) => (id ?? WatchedId) is { } target && queue.Cancel(target, client) == JobAction.Done;

    /// <summary>Follows a job: live while it is queued or running, from its record afterwards.</summary>
    public void Watch(string? id)
    {
        if (LiveJob is not null) LiveJob.Changed -= OnJobChanged;
        WatchedId = DataFolders.IsId(id) ? id : null;
        LiveJob = queue.FindActive(WatchedId);
        watchedStatus = Watched?.Status;
        if (LiveJob is not null) LiveJob.Changed += OnJobChanged;
        RaiseChanged();
    }

    public bool Regenerate(string id)
    {
        if (history.Find(id) is not { } record) return false;
        var gone = new List<GenerationProblem>();
        var conditioning = ConditioningInputs.Resolve(record.Parameters, uploads, gone);
        Form.Load(record.Parameters, uploads.Find(record.Image.Id), uploads.Find(record.Audio.Id), conditioning);
        slotErrors.Clear();
        if (Form.Image is null) slotErrors[InputSlot.Image] = "This run's image is no longer stored; upload it again.";
        if (Form.Audio is null) slotErrors[InputSlot.Audio] = "This run's audio is no longer stored; upload it again.";
        foreach (var problem in gone)
        {
            if (problem.Field == GenerationField.PoseVideo) slotErrors.TryAdd(InputSlot.PoseVideo, problem.Message);
            else if (problem.Field == ConditioningInputs.SecondAudioField) slotErrors.TryAdd(InputSlot.SecondAudio, problem.Message);
            // A lost mask image: the person marks the speakers on the picture instead.
            else Form.UploadedMasks = null;
        }
        Notify(NoticeLevel.Info, "The run's settings are back in the form; press Generate to run them again.");
        return true;
    }

    public bool Delete(string id)
    {
        bool deleted = queue.Delete(id, client) == JobAction.Done;
        if (deleted && id == WatchedId) Watch(null);
        return deleted;
    }

    /// <summary>LoRA files the server offers (under the checkpoint folder); the page picks one, never a path.</summary>
    public IReadOnlyList<string> LoraChoices => queue.Loras?.Names ?? [];

    /// <summary>The generator loads LoRA weights per job (GenerationRequest.LoraPath), so "reload" checks the choice
    /// now and the next job applies it.</summary>
    public void ReloadLora()
    {
        string name = Form.LoraPath.Trim();
        LoraStatus = !Form.LoraEnabled ? "LoRA is off; the next job runs the base model."
            : name.Length == 0 ? "The next job uses the default LoRA file (LiveAvatar/liveavatar.safetensors beside the checkpoint)."
            : queue.Loras?.Resolve(name) is null ? "That LoRA is not in the server's list; pick one from the list."
            : $"LoRA file found ({queue.Loras.SizeOf(name) / (1024 * 1024)} MB); the next job loads it.";
    }

    public void Dispose()
    {
        queue.Changed -= RaiseChanged;
        history.Changed -= RaiseChanged;
        if (LiveJob is not null) LiveJob.Changed -= OnJobChanged;
    }

    private GenerateOutcome Refuse(IReadOnlyList<string> problems)
    {
        SubmitProblems = problems;
        Notify(NoticeLevel.Error, problems.Count == 1 ? problems[0] : $"{problems.Count} settings need a change before generating.");
        return GenerateOutcome.Refused;
    }

    private void OnJobChanged(Job job)
    {
        var status = job.Record.Status;
        if (status != watchedStatus && status == JobStatus.Failed && job.Record.Error is { } error)
            Notify(NoticeLevel.Error, $"The job failed: {error.Message}");
        watchedStatus = status;
        RaiseChanged();
    }

    private void Notify(NoticeLevel level, string message) => Notice?.Invoke(new PageNotice(level, message));

    private void RaiseChanged() => Changed?.Invoke();
}
