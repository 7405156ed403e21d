using LiveAvatar.Web.Services;
using Microsoft.AspNetCore.Components.Forms;

namespace LiveAvatar.Web.Components.Generation;

public sealed partial class GenerationPageState
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(150);
    private readonly Lock uploadGate = new();
    private IReadOnlyDictionary<InputSlot, UploadProgress> inFlight = new Dictionary<InputSlot, UploadProgress>();
    private readonly Dictionary<InputSlot, string> slotErrors = [];

    public UploadLimits Limits => uploads.Limits;
    public string? ImageError => ErrorOf(InputSlot.Image);
    public string? AudioError => ErrorOf(InputSlot.Audio);

    /// <summary>Why the last file for this input was refused (null once a good one is in).</summary>
    public string? ErrorOf(InputSlot slot) => slotErrors.GetValueOrDefault(slot);

    public StoredUpload? FileOf(InputSlot slot) => slot switch
    {
        InputSlot.Image => Form.Image,
        InputSlot.Audio => Form.Audio,
        InputSlot.SecondAudio => Form.SecondAudio,
        _ => Form.PoseVideo,
    };

    public bool IsUploading => inFlight.Count > 0;

    /// <summary>Generate was pressed while files were still uploading; the job is queued when they are in.</summary>
    public bool GenerateRequested { get; private set; }

    public UploadProgress? UploadOf(InputSlot slot) => inFlight.GetValueOrDefault(slot);

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
    public Task UploadAsync(UploadKind kind, IBrowserFile file) => UploadAsync(SlotOf(kind), file);

    public Task UploadAsync(UploadKind kind, Stream content, string? fileName) => UploadAsync(SlotOf(kind), content, fileName);

    public async Task UploadAsync(InputSlot kind, IBrowserFile file)
    {
        long max = Limits.MaxBytes(kind.Kind());
        if (file.Size > max)
        {
            SetUploadError(kind, $"The {kind.Noun()} file is {UploadLimits.Format(file.Size)}; the limit is {UploadLimits.Format(max)}.");
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

    public async Task UploadAsync(InputSlot kind, Stream content, string? fileName)
    {
        SetUploadError(kind, null);
        if (UploadOf(kind) is null) SetInFlight(kind, new UploadProgress(fileName ?? "upload", 0, 0, true));
        try
        {
            var stored = await uploads.SaveAsync(kind.Kind(), content, fileName);
            switch (kind)
            {
                case InputSlot.Image: Form.Image = stored; break;
                case InputSlot.Audio: Form.Audio = stored; break;
                case InputSlot.SecondAudio: Form.SecondAudio = stored; break;
                default: Form.PoseVideo = stored; break;
            }
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

    /// <summary>Removes an optional input (a pose video, the second speaker) from the form.</summary>
    public void Remove(InputSlot slot)
    {
        if (slot == InputSlot.PoseVideo) Form.PoseVideo = null;
        else if (slot == InputSlot.SecondAudio) Form.SecondAudio = null;
        else return;
        slotErrors.Remove(slot);
        RaiseChanged();
    }

    public async Task LoadExampleAsync(string id)
    {
        var example = ExampleLibrary.All.First(e => e.Id == id);
        var slots = new List<(InputSlot Slot, string? File)>
        {
            (InputSlot.Image, example.ImageFile), (InputSlot.Audio, example.AudioFile),
            (InputSlot.SecondAudio, example.SecondAudioFile), (InputSlot.PoseVideo, example.PoseVideoFile),
        }.Where(s => s.File is not null).ToList();
        foreach (var (slot, file) in slots) SetInFlight(slot, new UploadProgress(file!, 0, 0, true));
        try
        {
            var files = await examples.LoadAsync(id);
            Form.Image = files.Image;
            Form.Audio = files.Audio;
            Form.SecondAudio = files.SecondAudio;
            Form.PoseVideo = files.PoseVideo;
            Form.UploadedMasks = null;
            Form.Speakers.Load(example.SpeakerMarks);
            Form.Prompt = example.Prompt;
            slotErrors.Clear();
        }
        finally
        {
            foreach (var (slot, _) in slots) SetInFlight(slot, null);
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

    private void SetInFlight(InputSlot kind, UploadProgress? progress)
    {
        lock (uploadGate)
        {
            var next = new Dictionary<InputSlot, UploadProgress>(inFlight);
            if (progress is null) next.Remove(kind);
            else next[kind] = progress;
            inFlight = next;
        }
        RaiseChanged();
    }

    private void SetUploadError(InputSlot kind, string? message)
    {
        if (message is null) slotErrors.Remove(kind);
        else slotErrors[kind] = message;
        if (message is not null)
        {
            // A Generate waiting for this upload would run on the old file (or none): it waits for a new choice.
            GenerateRequested = false;
            Notify(NoticeLevel.Error, message);
        }
    }

    private static InputSlot SlotOf(UploadKind kind) => kind switch
    {
        UploadKind.Image => InputSlot.Image,
        UploadKind.Audio => InputSlot.Audio,
        _ => InputSlot.PoseVideo,
    };
}
