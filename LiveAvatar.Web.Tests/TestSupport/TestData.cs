using LiveAvatar.Web.Security;
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
    public static string ExampleSecondAudio => Path.Combine(Examples, "speech-reply.wav");
    public static string ExamplePoseVideo => Path.Combine(Examples, "pose-wave.mp4");
    public static string ExampleTwoSpeakers => Path.Combine(Examples, "two-speakers.png");

    public TestData(FakeVideoGenerator? generator = null, UploadLimits? limits = null, TimeProvider? time = null,
        QueueLimits? queueLimits = null, long minFreeDiskBytes = 0, string? checkpoint = null, string? root = null)
    {
        Root = root ?? Path.Combine(Path.GetTempPath(), "la-web-" + Guid.NewGuid().ToString("N")[..8]);
        Time = time ?? new FixedTimeProvider(SampleStatus.CheckedAt);
        Generator = generator;
        Folders = new DataFolders(Root);
        Uploads = new UploadStore(Folders, limits ?? UploadLimits.Default);
        History = new HistoryStore(Folders, Time);
        QueueLimits = queueLimits ?? QueueLimits.Default with { MaxPendingPerClient = 100 };
        Disk = new DiskSpace(Folders, minFreeDiskBytes);
        Loras = new LoraCatalog(checkpoint ?? Path.Combine(Root, "ckpt", "Wan2.2-S2V-14B"));
        Queue = NewQueue();
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
    public QueueLimits QueueLimits { get; }
    public DiskSpace Disk { get; }
    public LoraCatalog Loras { get; }

    /// <summary>The client the tests act as; <see cref="Other"/> is a second browser.</summary>
    public ClientIdentity Client { get; } = ClientIdentity.NewAnonymous();
    public ClientIdentity Other { get; } = ClientIdentity.NewAnonymous();

    /// <summary>What a server restart does: new history and queue over the same folder.</summary>
    public void Restart()
    {
        History = new HistoryStore(Folders, Time);
        Queue = NewQueue();
    }

    private JobQueue NewQueue() =>
        new(Generator, History, Uploads, Folders, Time, NullLogger<JobQueue>.Instance, QueueLimits, Disk, Loras);

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
