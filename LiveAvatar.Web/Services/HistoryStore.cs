using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace LiveAvatar.Web.Services;

/// <summary>One job.json per run under data/jobs/. On start, runs that a restart cut short are marked
/// Interrupted; their segments stay on disk and playable.</summary>
public sealed class HistoryStore
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly DataFolders folders;
    private readonly Dictionary<string, JobRecord> records = new();
    private readonly Lock gate = new();

    public HistoryStore(DataFolders folders, TimeProvider time)
    {
        this.folders = folders;
        foreach (string dir in Directory.EnumerateDirectories(folders.Jobs))
        {
            string file = Path.Combine(dir, "job.json");
            if (!DataFolders.IsId(Path.GetFileName(dir)) || !File.Exists(file)) continue;
            JobRecord? record;
            try
            {
                record = JsonSerializer.Deserialize<JobRecord>(File.ReadAllText(file), Json);
            }
            catch (Exception e) when (e is JsonException or IOException or NotSupportedException)
            {
                continue; // A damaged record (torn write, edited by hand): that run is unusable, the rest are not.
            }
            if (record is null || record.Id != Path.GetFileName(dir) || record.Parameters is null || record.Image is null || record.Audio is null) continue;
            if (record.IsActive)
            {
                record = record with
                {
                    Status = JobStatus.Interrupted,
                    FinishedAt = record.FinishedAt ?? time.GetUtcNow(),
                    Log = [.. record.Log, $"Interrupted by a server restart after {record.Segments} finished clip(s)."],
                };
                try { Write(record); }
                catch (IOException) { } // a full disk must not stop the start-up; the page still shows the run

            }
            records[record.Id] = record;
        }
    }

    public event Action? Changed;

    /// <summary>Newest first.</summary>
    public IReadOnlyList<JobRecord> All
    {
        get { lock (gate) return records.Values.OrderByDescending(r => r.SubmittedAt).ToList(); }
    }

    public JobRecord? Find(string? id)
    {
        if (id is null) return null;
        lock (gate) return records.GetValueOrDefault(id);
    }

    public void Save(JobRecord record)
    {
        lock (gate)
        {
            Write(record);
            records[record.Id] = record;
        }
        Changed?.Invoke();
    }

    /// <summary>Saves, or on failure (a full disk) keeps the record in memory only and logs why; for paths that
    /// must not throw, like marking a job failed.</summary>
    public bool TrySave(JobRecord record, ILogger logger)
    {
        try
        {
            Save(record);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            lock (gate) records[record.Id] = record;
            Changed?.Invoke();
            logger.LogError("Run {Id} could not be recorded on disk: {Message}", record.Id, e.Message);
            return false;
        }
    }

    /// <summary>Drops a record that was never properly written (its submission failed).</summary>
    internal void Forget(string id)
    {
        lock (gate) records.Remove(id);
    }

    public bool Delete(string id)
    {
        lock (gate)
        {
            if (!records.Remove(id)) return false;
            string dir = folders.JobDirectory(id);
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
        Changed?.Invoke();
        return true;
    }

    private void Write(JobRecord record)
    {
        string dir = folders.JobDirectory(record.Id);
        Directory.CreateDirectory(dir);
        AtomicFile.WriteAllText(Path.Combine(dir, "job.json"), JsonSerializer.Serialize(record, Json));
    }
}
