using System.Text.Json;
using System.Text.Json.Serialization;

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
            catch (JsonException)
            {
                continue; // A half-written file from a crash; the run is unusable, the rest are not.
            }
            if (record is null) continue;
            if (record.IsActive)
            {
                record = record with
                {
                    Status = JobStatus.Interrupted,
                    FinishedAt = record.FinishedAt ?? time.GetUtcNow(),
                    Log = [.. record.Log, $"Interrupted by a server restart after {record.Segments} finished clip(s)."],
                };
                Write(record);
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
        string file = Path.Combine(dir, "job.json");
        string temp = file + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(record, Json));
        File.Move(temp, file, overwrite: true);
    }
}
