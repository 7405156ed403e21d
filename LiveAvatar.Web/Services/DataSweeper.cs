using Microsoft.Extensions.Logging;

namespace LiveAvatar.Web.Services;

/// <summary>
/// Start-up clean-up of what a crash or kill leaves in the data folder: half-written videos (*.partial.mp4),
/// temporaries of atomic writes (*.tmp), half-received uploads (*.part), and uploads no run refers to (the page
/// that held them is gone with the old process). Runs before the worker starts, so nothing is in use.
/// </summary>
public sealed class DataSweeper(DataFolders folders, HistoryStore history, ILogger<DataSweeper> logger) : IHostedService
{
    private static readonly string[] LeftoverPatterns = ["*.partial.mp4", "*" + AtomicFile.TempSuffix, "*.part"];

    public record Report(int Leftovers, int Uploads, long Bytes);

    public Report Sweep()
    {
        int leftovers = 0, orphans = 0;
        long bytes = 0;
        foreach (string pattern in LeftoverPatterns)
        {
            foreach (string file in SafeEnumerate(folders.Root, pattern))
            {
                if (TryDelete(file, out long size)) { leftovers++; bytes += size; }
            }
        }
        // A kill between writing a block's segment and saving the record that counts it leaves a segment nobody
        // names: the page and the partial video would stop one short of it, so the disk is made to agree.
        foreach (var record in history.All)
        {
            for (int n = record.Segments + 1; File.Exists(folders.SegmentPath(record.Id, n)); n++)
            {
                if (TryDelete(folders.SegmentPath(record.Id, n), out long size)) { leftovers++; bytes += size; }
            }
        }
        var referenced = history.All.SelectMany(r => r.UploadIds).ToHashSet();
        foreach (string file in SafeEnumerate(folders.Uploads, "*", recursive: false))
        {
            string id = Path.GetFileName(file).Split('.')[0];
            if (referenced.Contains(id)) continue;
            if (TryDelete(file, out long size)) { bytes += size; if (file.EndsWith(".json", StringComparison.Ordinal)) orphans++; }
        }
        return new Report(leftovers, orphans, bytes);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var report = Sweep();
        if (report.Leftovers + report.Uploads > 0)
            logger.LogInformation("Start-up clean-up: removed {Leftovers} leftover file(s) and {Uploads} unused upload(s), {Bytes} bytes",
                report.Leftovers, report.Uploads, report.Bytes);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static IEnumerable<string> SafeEnumerate(string root, string pattern, bool recursive = true)
    {
        try
        {
            return Directory.EnumerateFiles(root, pattern, new EnumerationOptions
            {
                RecurseSubdirectories = recursive, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint,
            }).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }

    private static bool TryDelete(string file, out long size)
    {
        size = 0;
        try
        {
            size = new FileInfo(file).Length;
            File.Delete(file);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }
}
