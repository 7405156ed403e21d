namespace LiveAvatar.Web.Services;

public sealed record ExampleInput(string Id, string Title, string ImageFile, string AudioFile, string Prompt)
{
    public string ImageUrl => $"/assets/examples/{ImageFile}";
    public string AudioUrl => $"/assets/examples/{AudioFile}";
}

/// <summary>The sample inputs from wwwroot-assets/examples (made by make-examples.sh). Choosing one stores its files
/// through <see cref="UploadStore"/> like any upload, once per example.</summary>
public sealed class ExampleLibrary(string folder, UploadStore uploads)
{
    private readonly Dictionary<string, (StoredUpload Image, StoredUpload Audio)> stored = new();
    private readonly SemaphoreSlim gate = new(1, 1);

    public static IReadOnlyList<ExampleInput> All { get; } =
    [
        new("anna", "Anna, newsreader", "portrait-anna.png", "speech-hello.wav",
            "A woman with brown hair in a red sweater greets the audience, talking to the camera in front of a plain blue wall; medium close-up."),
        new("ben", "Ben, weather", "portrait-ben.png", "speech-weather.wav",
            "A man with dark hair in a blue shirt presents the weather forecast in a green studio, calm gestures; medium shot."),
    ];

    public string Folder => folder;

    public async Task<(StoredUpload Image, StoredUpload Audio)> LoadAsync(string id, CancellationToken ct = default)
    {
        var example = All.FirstOrDefault(e => e.Id == id) ?? throw new ArgumentException($"no example '{id}'", nameof(id));
        await gate.WaitAsync(ct);
        try
        {
            if (stored.TryGetValue(id, out var cached) && uploads.Find(cached.Image.Id) is not null && uploads.Find(cached.Audio.Id) is not null)
                return cached;
            StoredUpload image, audio;
            await using (var s = File.OpenRead(Path.Combine(folder, example.ImageFile)))
                image = await uploads.SaveAsync(UploadKind.Image, s, example.ImageFile, ct);
            await using (var s = File.OpenRead(Path.Combine(folder, example.AudioFile)))
                audio = await uploads.SaveAsync(UploadKind.Audio, s, example.AudioFile, ct);
            return stored[id] = (image, audio);
        }
        finally
        {
            gate.Release();
        }
    }
}
