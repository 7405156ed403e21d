namespace LiveAvatar.Web.Services;

/// <summary>A sample input set. The optional parts show the original's other conditioning: a pose video, or a
/// second speaker with where each speaker is in the picture.</summary>
public sealed record ExampleInput(string Id, string Title, string ImageFile, string AudioFile, string Prompt)
{
    public string? SecondAudioFile { get; init; }
    public string? PoseVideoFile { get; init; }
    public IReadOnlyList<SpeakerMark>? SpeakerMarks { get; init; }

    public string ImageUrl => $"/assets/examples/{ImageFile}";
    public string AudioUrl => $"/assets/examples/{AudioFile}";
}

/// <summary>An example's files as stored uploads.</summary>
public sealed record ExampleFiles(StoredUpload Image, StoredUpload Audio, StoredUpload? SecondAudio, StoredUpload? PoseVideo)
{
    public IEnumerable<StoredUpload> All => new[] { Image, Audio, SecondAudio, PoseVideo }.OfType<StoredUpload>();
}

/// <summary>The sample inputs from wwwroot-assets/examples (made by make-examples.sh). Choosing one stores its files
/// through <see cref="UploadStore"/> like any upload, once per example.</summary>
public sealed class ExampleLibrary(string folder, UploadStore uploads)
{
    private readonly Dictionary<string, ExampleFiles> stored = new();
    private readonly SemaphoreSlim gate = new(1, 1);

    public static IReadOnlyList<ExampleInput> All { get; } =
    [
        new("anna", "Anna, newsreader", "portrait-anna.png", "speech-hello.wav",
            "A woman with brown hair in a red sweater greets the audience, talking to the camera in front of a plain blue wall; medium close-up."),
        new("ben", "Ben, weather", "portrait-ben.png", "speech-weather.wav",
            "A man with dark hair in a blue shirt presents the weather forecast in a green studio, calm gestures; medium shot."),
        new("anna-pose", "Anna, waving (pose video)", "portrait-anna.png", "speech-hello.wav",
            "A woman with brown hair in a red sweater waves both hands while greeting the audience in front of a plain blue wall; medium shot.")
        {
            PoseVideoFile = "pose-wave.mp4",
        },
        new("duo", "Anna and Ben (two speakers)", "two-speakers.png", "speech-hello.wav",
            "A woman in a red sweater and a man in a blue shirt sit side by side and talk to each other in a studio; medium shot.")
        {
            // two-speakers.png is 1024×704 with the faces centred at (256, 300) and (768, 300).
            SecondAudioFile = "speech-reply.wav",
            SpeakerMarks = [SpeakerMark.At(0.25, 300 / 704.0, 0.2), SpeakerMark.At(0.75, 300 / 704.0, 0.2)],
        },
    ];

    public string Folder => folder;

    public async Task<ExampleFiles> LoadAsync(string id, CancellationToken ct = default)
    {
        var example = All.FirstOrDefault(e => e.Id == id) ?? throw new ArgumentException($"no example '{id}'", nameof(id));
        await gate.WaitAsync(ct);
        try
        {
            if (stored.TryGetValue(id, out var cached) && cached.All.All(u => uploads.Find(u.Id) is not null))
                return cached;
            var image = await SaveAsync(UploadKind.Image, example.ImageFile, ct);
            var audio = await SaveAsync(UploadKind.Audio, example.AudioFile, ct);
            var second = example.SecondAudioFile is { } b ? await SaveAsync(UploadKind.Audio, b, ct) : null;
            var pose = example.PoseVideoFile is { } p ? await SaveAsync(UploadKind.Video, p, ct) : null;
            return stored[id] = new ExampleFiles(image, audio, second, pose);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<StoredUpload> SaveAsync(UploadKind kind, string file, CancellationToken ct)
    {
        await using var s = File.OpenRead(Path.Combine(folder, file));
        return await uploads.SaveAsync(kind, s, file, ct);
    }
}
