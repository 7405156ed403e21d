using LiveAvatar.Web.Services;
using LiveAvatar.Web.Tests.Browser;
using Microsoft.Extensions.Logging.Abstractions;

namespace LiveAvatar.Web.Tests.TestSupport;

/// <summary>A fresh data folder with the services over it; deleted on dispose.</summary>
internal sealed class TestData : IDisposable
{
    public static string Examples => Path.Combine(RepoPaths.Root, "wwwroot-assets", "examples");
    public static string ExampleImage => Path.Combine(Examples, "portrait-anna.png");
    public static string ExampleAudio => Path.Combine(Examples, "speech-hello.wav");

    public TestData(FakeVideoGenerator? generator = null, UploadLimits? limits = null, TimeProvider? time = null)
    {
        Root = Path.Combine(Path.GetTempPath(), "la-web-" + Guid.NewGuid().ToString("N")[..8]);
        Time = time ?? new FixedTimeProvider(SampleStatus.CheckedAt);
        Generator = generator;
        Folders = new DataFolders(Root);
        Uploads = new UploadStore(Folders, limits ?? UploadLimits.Default);
        History = new HistoryStore(Folders, Time);
        Queue = new JobQueue(generator, History, Uploads, Folders, Time, NullLogger<JobQueue>.Instance);
        Examples_ = new ExampleLibrary(Examples, Uploads);
    }

    public string Root { get; }
    public TimeProvider Time { get; }
    public FakeVideoGenerator? Generator { get; }
    public DataFolders Folders { get; }
    public UploadStore Uploads { get; }
    public HistoryStore History { get; private set; }
    public JobQueue Queue { get; private set; }
    public ExampleLibrary Examples_ { get; }

    /// <summary>What a server restart does: new history and queue over the same folder.</summary>
    public void Restart()
    {
        History = new HistoryStore(Folders, Time);
        Queue = new JobQueue(Generator, History, Uploads, Folders, Time, NullLogger<JobQueue>.Instance);
    }

    public async Task<(StoredUpload Image, StoredUpload Audio)> UploadExampleAsync()
    {
        await using var image = File.OpenRead(ExampleImage);
        await using var audio = File.OpenRead(ExampleAudio);
        return (await Uploads.SaveAsync(UploadKind.Image, image, "anna.png"),
                await Uploads.SaveAsync(UploadKind.Audio, audio, "hello.wav"));
    }

    public async Task<JobParameters> ParametersAsync(int clips = 2)
    {
        var (image, audio) = await UploadExampleAsync();
        return new JobParameters { Prompt = "a person talks", ImageId = image.Id, AudioId = audio.Id, NumClip = clips };
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
