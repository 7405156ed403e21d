using LiveAvatar.Web.Services;
using Microsoft.AspNetCore.Components.Forms;

namespace LiveAvatar.Web.Components.Generation;

public sealed partial class GenerationPageState
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(150);
    private readonly Lock uploadGate = new();
    private IReadOnlyDictionary<UploadKind, UploadProgress> inFlight = new Dictionary<UploadKind, UploadProgress>();

    public UploadLimits Limits => uploads.Limits;
    public string? ImageError { get; private set; }
    public string? AudioError { get; private set; }

    public bool IsUploading => inFlight.Count > 0;

    /// <summary>Generate was pressed while files were still uploading; the job is queued when they are in.</summary>
    public bool GenerateRequested { get; private set; }

    public UploadProgress? UploadOf(UploadKind kind) => inFlight.GetValueOrDefault(kind);

    /// <summary>All uploads in flight as one figure for the Generate button.</summary>
    public double UploadPercent
    {
        get
        {
            var all = inFlight.Values.ToList();
            long total = all.Sum(u => u.Bytes);
            return total <= 0 ? 0 : Math.Round(100.0 * all.Sum(u => Math.Min(u.Received, u.Bytes)) / total);
        }
    }

    /// <summary>A file from the page's drop zone. The declared size is checked first so an oversized file is
    /// refused before it is streamed (the store enforces the limit on the bytes themselves too).</summary>
    public async Task UploadAsync(UploadKind kind, IBrowserFile file)
    {
        long max = kind == UploadKind.Image ? Limits.MaxImageBytes : Limits.MaxAudioBytes;
        if (file.Size > max)
        {
            SetUploadError(kind, $"The {Noun(kind)} file is {UploadLimits.Format(file.Size)}; the limit is {UploadLimits.Format(max)}.");
            return;
        }
        // Marked before the first await, so a Generate click right behind the file choice sees the upload.
        SetInFlight(kind, new UploadProgress(file.Name, file.Size, 0, false));
        var last = DateTime.UtcNow;
        await using var stream = new ProgressStream(file.OpenReadStream(max), (received, ended) =>
        {
            if (!ended && DateTime.UtcNow - last < ProgressInterval) return;
            last = DateTime.UtcNow;
            SetInFlight(kind, new UploadProgress(file.Name, file.Size, received, ended));
        });
        await UploadAsync(kind, stream, file.Name);
    }

    public async Task UploadAsync(UploadKind kind, Stream content, string? fileName)
    {
        SetUploadError(kind, null);
        if (UploadOf(kind) is null) SetInFlight(kind, new UploadProgress(fileName ?? "upload", 0, 0, true));
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
            // The browser stream ends early when the upload is larger than allowed, or is aborted.
            SetUploadError(kind, $"The upload did not arrive whole: {e.Message}");
        }
        finally
        {
            SetInFlight(kind, null);
        }
        await FinishPendingGenerateAsync();
    }

    public async Task LoadExampleAsync(string id)
    {
        var example = ExampleLibrary.All.First(e => e.Id == id);
        SetInFlight(UploadKind.Image, new UploadProgress(example.ImageFile, 0, 0, true));
        SetInFlight(UploadKind.Audio, new UploadProgress(example.AudioFile, 0, 0, true));
        try
        {
            var (image, audio) = await examples.LoadAsync(id);
            Form.Image = image;
            Form.Audio = audio;
            Form.Prompt = example.Prompt;
            ImageError = AudioError = null;
        }
        finally
        {
            SetInFlight(UploadKind.Image, null);
            SetInFlight(UploadKind.Audio, null);
        }
        await FinishPendingGenerateAsync();
    }

    private Task FinishPendingGenerateAsync()
    {
        if (!GenerateRequested || IsUploading) return Task.CompletedTask;
        GenerateRequested = false;
        if (Generate() == GenerateOutcome.Started && WatchedId is { } id) Submitted?.Invoke(id);
        RaiseChanged();
        return Task.CompletedTask;
    }

    private void SetInFlight(UploadKind kind, UploadProgress? progress)
    {
        lock (uploadGate)
        {
            var next = new Dictionary<UploadKind, UploadProgress>(inFlight);
            if (progress is null) next.Remove(kind);
            else next[kind] = progress;
            inFlight = next;
        }
        RaiseChanged();
    }

    private void SetUploadError(UploadKind kind, string? message)
    {
        if (kind == UploadKind.Image) ImageError = message;
        else AudioError = message;
        if (message is not null)
        {
            // A Generate waiting for this upload would run on the old file (or none): it waits for a new choice.
            GenerateRequested = false;
            Notify(NoticeLevel.Error, message);
        }
    }

    private static string Noun(UploadKind kind) => kind == UploadKind.Image ? "image" : "audio";
}
