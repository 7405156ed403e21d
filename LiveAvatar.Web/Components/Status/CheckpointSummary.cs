using LiveAvatar.Engine.Diagnostics;

namespace LiveAvatar.Web.Components.Status;

/// <summary>What the checkpoint folder means for the user: which weights, and what to do when files are missing.</summary>
public sealed record CheckpointSummary(
    string Directory,
    string Kind,
    string Headline,
    bool IsComplete,
    IReadOnlyList<string> Present,
    IReadOnlyList<string> Missing)
{
    public static CheckpointSummary From(CheckpointStatus status)
    {
        int expected = status.Present.Count + status.Missing.Count;
        string kind = !status.Exists ? "none" : status.IsDemo ? "demo (tiny test weights, not real output)" : "real";
        string headline = (status.Exists, status.Missing.Count) switch
        {
            (false, _) => $"Checkpoint folder not found. Put the weights in {status.Directory}, " +
                          $"or pass --checkpoint DIR (or set {WebHostOptions.CheckpointEnvironmentVariable}).",
            (true, 0) when expected == 0 => "Folder found; no file list was checked.",
            (true, 0) => $"All {expected} expected files present.",
            (true, int missing) => $"{missing} of {expected} expected files missing; the model cannot load until they are there.",
        };
        return new CheckpointSummary(status.Directory, kind, headline, status.IsComplete, status.Present, status.Missing);
    }
}
