using LiveAvatar.Web.Security;
using LiveAvatar.Web.Services;
using Microsoft.AspNetCore.Components.Forms;

namespace LiveAvatar.Web.Components.Generation;

/// <summary>
/// Everything the generation page does, without markup: uploads, examples, presets and regenerate into the form,
/// submit/cancel through the queue, and which job this page watches. Components render it and forward clicks.
/// Events come from the worker thread; the page marshals them with InvokeAsync.
/// </summary>
public sealed class GenerationPageState : IDisposable
{
    private readonly JobQueue queue;
    private readonly HistoryStore history;
    private readonly UploadStore uploads;
    private readonly ExampleLibrary examples;
    private readonly TimeProvider time;
    private readonly Random random;
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
        Form.GpuCount = RequestBuilder.Gpus(queue.Generator?.Info.Devices ?? []).Count;
        queue.Changed += RaiseChanged;
        history.Changed += RaiseChanged;
    }

    public GenerationForm Form { get; } = new();

    /// <summary>Raised when anything shown may have changed (job progress, queue, history).</summary>
    public event Action? Changed;

    public bool GeneratorAvailable => queue.Generator is not null;
    public string? GeneratorMessage => GeneratorAvailable ? null : JobQueue.GeneratorMissing;
    public UploadLimits Limits => uploads.Limits;

    public bool SubmitAttempted { get; private set; }
    public string? ImageError { get; private set; }
    public string? AudioError { get; private set; }
    public bool IsUploading { get; private set; }
    public IReadOnlyList<string> SubmitProblems { get; private set; } = [];
    public string? LoraStatus { get; private set; }

    public string? WatchedId { get; private set; }
    public Job? LiveJob { get; private set; }
    public JobRecord? Watched => LiveJob?.Record ?? history.Find(WatchedId);

    public ProgressView? Progress => Watched is { } r
        ? ProgressView.From(r, LiveJob?.Progress, queue.PositionOf(r.Id))
        : null;

    /// <summary>Control errors to show: range errors always, missing inputs only after a Generate click.</summary>
    public IReadOnlyDictionary<string, string> Errors => Form.Validate()
        .Where(e => SubmitAttempted || e.Key is not ("prompt" or "image-upload" or "audio-upload" or "lora-path"))
        .ToDictionary(e => e.Key, e => e.Value);

    public bool CanGenerate => GeneratorAvailable && !IsUploading;
    public bool CanCancel => Watched?.IsActive == true;

    public IReadOnlyList<QueueRow> QueueRows => QueueView.From(queue.Active, WatchedId);
    public IReadOnlyList<HistoryRow> HistoryRows => HistoryView.From(history.All, time.LocalTimeZone);

    /// <summary>A file from the page's file input; the declared size is checked first so an oversized file is
    /// refused before it is streamed (the store enforces the limit on the bytes themselves too).</summary>
    public async Task UploadAsync(UploadKind kind, IBrowserFile file)
    {
        long max = kind == UploadKind.Image ? Limits.MaxImageBytes : Limits.MaxAudioBytes;
        if (file.Size > max)
        {
            SetUploadError(kind, $"The {(kind == UploadKind.Image ? "image" : "audio")} file is {UploadLimits.Format(file.Size)}; " +
                $"the limit is {UploadLimits.Format(max)}.");
            return;
        }
        await using var stream = file.OpenReadStream(max);
        await UploadAsync(kind, stream, file.Name);
    }

    public async Task UploadAsync(UploadKind kind, Stream content, string? fileName)
    {
        IsUploading = true;
        SetUploadError(kind, null);
        try
        {
            var stored = await uploads.SaveAsync(kind, content, fileName);
            if (kind == UploadKind.Image) Form.Image = stored;
            else Form.Audio = stored;
        }
        catch (UploadRejectedException e)
        {
            SetUploadError(kind, e.Message);
        }
        catch (IOException e)
        {
            // The browser stream ends early when the upload is larger than the component allowed, or is aborted.
            SetUploadError(kind, $"The upload did not arrive whole: {e.Message}");
        }
        finally
        {
            IsUploading = false;
        }
    }

    public async Task LoadExampleAsync(string id)
    {
        var example = ExampleLibrary.All.First(e => e.Id == id);
        var (image, audio) = await examples.LoadAsync(id);
        Form.Image = image;
        Form.Audio = audio;
        Form.Prompt = example.Prompt;
        ImageError = AudioError = null;
    }

    public void ApplyPreset(string id)
    {
        if (Presets.Find(id) is { } preset) Form.Apply(preset);
    }

    public void RandomizeSeed() => Form.RandomizeSeed(random);

    /// <summary>Queues the form as a job and starts watching it; false (with <see cref="SubmitProblems"/>) if not.</summary>
    public bool Generate()
    {
        SubmitAttempted = true;
        var errors = Form.Validate();
        if (!GeneratorAvailable)
        {
            SubmitProblems = [JobQueue.GeneratorMissing];
            return false;
        }
        if (errors.Count > 0)
        {
            SubmitProblems = errors.Values.ToList();
            return false;
        }
        try
        {
            var job = queue.Submit(Form.ToParameters(), client);
            SubmitProblems = [];
            Watch(job.Id);
            return true;
        }
        catch (JobRejectedException e)
        {
            SubmitProblems = e.Problems;
            return false;
        }
    }

    public bool Cancel(string? id = null) => (id ?? WatchedId) is { } target && queue.Cancel(target, client) == JobAction.Done;

    /// <summary>Follows a job: live while it is queued or running, from its record afterwards.</summary>
    public void Watch(string? id)
    {
        if (LiveJob is not null) LiveJob.Changed -= OnJobChanged;
        WatchedId = DataFolders.IsId(id) ? id : null;
        LiveJob = queue.FindActive(WatchedId);
        if (LiveJob is not null) LiveJob.Changed += OnJobChanged;
        RaiseChanged();
    }

    public bool Regenerate(string id)
    {
        if (history.Find(id) is not { } record) return false;
        Form.Load(record.Parameters, uploads.Find(record.Image.Id), uploads.Find(record.Audio.Id));
        ImageError = Form.Image is null ? "This run's image is no longer stored; upload it again." : null;
        AudioError = Form.Audio is null ? "This run's audio is no longer stored; upload it again." : null;
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

    private void SetUploadError(UploadKind kind, string? message)
    {
        if (kind == UploadKind.Image) ImageError = message;
        else AudioError = message;
    }

    private void OnJobChanged(Job job) => RaiseChanged();

    private void RaiseChanged() => Changed?.Invoke();
}
