namespace LiveAvatar.Web.Services;

/// <summary>Where uploads and jobs live under the data folder. Ids are server-made GUIDs, so a path is never built
/// from anything a client typed.</summary>
public sealed class DataFolders
{
    public DataFolders(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Uploads);
        Directory.CreateDirectory(Jobs);
    }

    public string Root { get; }
    public string Uploads => Path.Combine(Root, "uploads");
    public string Jobs => Path.Combine(Root, "jobs");

    public static string NewId() => Guid.NewGuid().ToString("N");

    public static bool IsId(string? id) => id is { Length: 32 } && Guid.TryParseExact(id, "N", out _);

    public string JobDirectory(string jobId) => IsId(jobId)
        ? Path.Combine(Jobs, jobId)
        : throw new ArgumentException($"'{jobId}' is not a job id", nameof(jobId));

    public string InitSegmentPath(string jobId) => Path.Combine(JobDirectory(jobId), "init.mp4");

    /// <summary>Media segments are numbered 1.. in the order the clips finished.</summary>
    public string SegmentPath(string jobId, int number) => Path.Combine(JobDirectory(jobId), $"seg-{number:0000}.m4s");

    public string OutputPath(string jobId) => Path.Combine(JobDirectory(jobId), "output.mp4");
}
