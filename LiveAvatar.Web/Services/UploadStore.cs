using System.Text.Json;
using LiveAvatar.Engine.Media;

namespace LiveAvatar.Web.Services;

public enum UploadKind { Image, Audio, Video }

/// <summary>A checked upload. <see cref="OriginalName"/> is for display only and never reaches a path.</summary>
public sealed record StoredUpload(
    string Id, UploadKind Kind, string FileName, string ContentType, string OriginalName, long Bytes,
    int Width = 0, int Height = 0, long AudioSamples = 0, double VideoSeconds = 0, double VideoFps = 0)
{
    public TimeSpan Duration => Kind == UploadKind.Video
        ? TimeSpan.FromSeconds(VideoSeconds)
        : TimeSpan.FromSeconds(AudioSamples / (double)AudioClipMath.SampleRate);

    /// <summary>Clips the audio allows at <paramref name="inferFrames"/> frames a clip (spec §2.2 step 5).</summary>
    public int ClipsAllowed(int inferFrames) =>
        Kind == UploadKind.Audio && inferFrames > 0 ? AudioClipMath.ClipCount(AudioSamples, inferFrames) : 0;

    public string Url => $"/uploads/{Id}";
}

public sealed class UploadRejectedException(string message) : Exception(message);

/// <summary>Stores uploads under server-chosen names and keeps only what ffprobe/ffmpeg accept as the right kind
/// of media; the client's file name and claimed type are ignored.</summary>
public sealed partial class UploadStore(DataFolders folders, UploadLimits limits, MediaOptions? media = null, int concurrentChecks = 2)
{
    public const int MaxNameCharacters = 80;
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
    private readonly MediaOptions media = media ?? MediaOptions.Default;

    // Checking runs ffprobe/ffmpeg; a few at a time keeps CPU and memory bounded however many uploads arrive.
    // The bytes themselves stream to disk meanwhile.
    private readonly SemaphoreSlim checks = new(concurrentChecks, concurrentChecks);

    public UploadLimits Limits => limits;

    public async Task<StoredUpload> SaveAsync(UploadKind kind, Stream content, string? originalName, CancellationToken ct = default)
    {
        long max = limits.MaxBytes(kind);
        string id = DataFolders.NewId();
        string staging = Path.Combine(folders.Uploads, id + ".part");
        try
        {
            long bytes = await CopyLimitedAsync(content, staging, max, kind, ct);
            if (bytes == 0) throw new UploadRejectedException($"The {Noun(kind)} file is empty.");
            StoredUpload upload;
            await checks.WaitAsync(ct);
            try
            {
                upload = kind switch
                {
                    UploadKind.Image => await InspectImageAsync(id, staging, bytes, originalName, ct),
                    UploadKind.Audio => await InspectAudioAsync(id, staging, bytes, originalName, ct),
                    _ => await InspectVideoAsync(id, staging, bytes, originalName, ct),
                };
            }
            finally
            {
                checks.Release();
            }
            File.Move(staging, Path.Combine(folders.Uploads, upload.FileName));
            try
            {
                await AtomicFile.WriteAllTextAsync(MetadataPath(id), JsonSerializer.Serialize(upload, Json), ct);
            }
            catch
            {
                File.Delete(Path.Combine(folders.Uploads, upload.FileName));
                throw;
            }
            return upload;
        }
        finally
        {
            File.Delete(staging);
        }
    }

    /// <summary>The upload with this id, or null: unknown, its file gone, or its record damaged (a damaged record
    /// means "upload again", never an error page).</summary>
    public StoredUpload? Find(string? id)
    {
        if (!DataFolders.IsId(id) || !File.Exists(MetadataPath(id!))) return null;
        StoredUpload? upload;
        try
        {
            upload = JsonSerializer.Deserialize<StoredUpload>(File.ReadAllText(MetadataPath(id!)), Json);
        }
        catch (Exception e) when (e is JsonException or IOException or NotSupportedException)
        {
            return null;
        }
        return upload is { FileName: not null } && upload.Id == id && File.Exists(PathOf(upload)) ? upload : null;
    }

    /// <summary>Removes an upload's file and record (its run was deleted and nothing else uses it).</summary>
    public void Delete(string id)
    {
        if (!DataFolders.IsId(id)) return;
        foreach (string file in Directory.EnumerateFiles(folders.Uploads, id + ".*"))
        {
            try { File.Delete(file); }
            catch (IOException) { }
        }
    }

    /// <summary>Ids of every stored upload (by their record files).</summary>
    public IEnumerable<string> AllIds() => Directory.EnumerateFiles(folders.Uploads, "*.json")
        .Select(Path.GetFileNameWithoutExtension).Where(DataFolders.IsId)!;

    public string PathOf(StoredUpload upload) => Path.Combine(folders.Uploads, upload.Id + Path.GetExtension(upload.FileName));

    private string MetadataPath(string id) => Path.Combine(folders.Uploads, id + ".json");

    private async Task<StoredUpload> InspectImageAsync(string id, string path, long bytes, string? name, CancellationToken ct)
    {
        ImageInfo info;
        try
        {
            info = await ReferenceImageLoader.InspectAsync(path, media, ct);
        }
        catch (MediaException e)
        {
            throw new UploadRejectedException(Scrub(e.Message, path));
        }
        return new StoredUpload(id, UploadKind.Image, id + "." + info.Extension, info.MimeType, DisplayName(name), bytes, info.Width, info.Height);
    }

    private async Task<StoredUpload> InspectAudioAsync(string id, string path, long bytes, string? name, CancellationToken ct)
    {
        long samples;
        ProbeResult probe;
        try
        {
            InputFile.EnsureReadable(path, "audio");
            probe = await MediaProbe.ProbeAsync(path, media.Tools, ct);
            if (probe.VideoStreams.Any())
                throw new MediaException($"'{path}' holds a video stream ({probe.Describe()}); upload the audio alone.");
            // Counted, not held: the engine decodes the same way but keeps only the length (flat memory).
            samples = await AudioLoader.CountSamplesAsync(path, media, ct);
        }
        catch (MediaException e)
        {
            throw new UploadRejectedException(Scrub(e.Message, path));
        }
        var (ext, type) = probe.FormatName switch
        {
            "wav" => (".wav", "audio/wav"),
            "mp3" => (".mp3", "audio/mpeg"),
            "ogg" => (".ogg", "audio/ogg"),
            "flac" => (".flac", "audio/flac"),
            string f when f.Contains("mp4", StringComparison.Ordinal) => (".m4a", "audio/mp4"),
            string f when f.Contains("webm", StringComparison.Ordinal) => (".webm", "audio/webm"),
            _ => (".audio", "application/octet-stream"),
        };
        return new StoredUpload(id, UploadKind.Audio, id + ext, type, DisplayName(name), bytes, AudioSamples: samples);
    }

    private static async Task<long> CopyLimitedAsync(Stream content, string path, long max, UploadKind kind, CancellationToken ct)
    {
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await content.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
            if (total > max)
                throw new UploadRejectedException($"The {Noun(kind)} file is larger than the limit of {UploadLimits.Format(max)}.");
            await file.WriteAsync(buffer.AsMemory(0, read), ct);
        }
        return total;
    }

    // Media messages name the file; the staging path is ours and means nothing to the person who uploaded it.
    private static string Scrub(string message, string path) =>
        ErrorText.ForClient(message.Replace($"'{path}'", "The uploaded file").Replace(path, "the uploaded file"));

    internal static string Noun(UploadKind kind) => kind switch
    {
        UploadKind.Image => "image",
        UploadKind.Audio => "audio",
        _ => "pose video",
    };

    /// <summary>For display only: no folders, no control or bidi characters, at most 80 whole characters.</summary>
    internal static string DisplayName(string? name)
    {
        string clean = TextSanitizer.SingleLine(Path.GetFileName((name ?? "").Replace('\\', '/')), MaxNameCharacters);
        return clean.Length == 0 ? "upload" : clean;
    }
}
