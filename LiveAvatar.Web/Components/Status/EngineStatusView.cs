using System.Globalization;
using LiveAvatar.Engine.Diagnostics;

namespace LiveAvatar.Web.Components.Status;

public sealed record DeviceLine(string Id, string Name, string Memory);

/// <summary>Display text for an <see cref="EngineStatus"/>, so the panel markup only places strings.</summary>
public sealed class EngineStatusView
{
    public const string InstallHint =
        "libtorch comes with the build (TorchSharp's NuGet packages): rebuild with ./launch-scripts/run.sh, which " +
        "installs what is missing and applies the GLIBCXX fix where the system needs it (README, FAQ), then restart the server.";

    private const double BytesPerGiB = 1024d * 1024 * 1024;

    private EngineStatusView(EngineStatus status, DateTimeOffset checkedAt)
    {
        NativeLoaded = status.NativeLoaded;
        NativeHeadline = status.NativeLoaded ? "Native library loaded" : "Native library not loaded";
        NativeError = status.NativeLoaded ? null : status.NativeError ?? "no error message was reported";
        Libtorch = status.LibtorchVersion ?? "unknown";
        ParallelInfo = string.IsNullOrWhiteSpace(status.ParallelInfo) ? "unknown" : status.ParallelInfo.Trim();
        Cuda = status.CudaAvailable ? "available" : "not available";
        Devices = status.Devices.Select(d => new DeviceLine(d.Id, d.Name, FormatMemory(d))).ToList();
        Checkpoint = CheckpointSummary.From(status.Checkpoint);
        CheckedAt = checkedAt.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
    }

    public bool NativeLoaded { get; }
    public string NativeHeadline { get; }
    public string? NativeError { get; }
    public string Libtorch { get; }
    public string ParallelInfo { get; }
    public string Cuda { get; }
    public IReadOnlyList<DeviceLine> Devices { get; }
    public CheckpointSummary Checkpoint { get; }
    public string CheckedAt { get; }

    public static EngineStatusView From(EngineStatus status, DateTimeOffset checkedAt) => new(status, checkedAt);

    public static string FormatGiB(long bytes) =>
        (bytes / BytesPerGiB).ToString("0.0", CultureInfo.InvariantCulture) + " GiB";

    public static string FormatMemory(DeviceStatus device)
    {
        var parts = new List<string>(3);
        if (device.TotalBytes is long total) parts.Add($"{FormatGiB(total)} total");
        if (device.FreeBytes is long free) parts.Add($"{FormatGiB(free)} free");
        if (device.AllocatedBytes is long allocated) parts.Add($"{FormatGiB(allocated)} allocated");
        return parts.Count == 0 ? "memory not reported" : string.Join(", ", parts);
    }
}
