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

    /// <summary>Memory in people's terms: what is in use, what is free, of how much.</summary>
    public static string FormatMemory(DeviceStatus device) => (device.TotalBytes, device.FreeBytes) switch
    {
        (long total, long free) => $"{FormatGiB(total - free)} in use, {FormatGiB(free)} free of {FormatGiB(total)}",
        (long total, null) => $"{FormatGiB(total)} in total",
        (null, long free) => $"{FormatGiB(free)} free",
        _ => "memory not reported",
    };

    /// <summary>One sentence for the top of the panel: where jobs run and how much room is left there.</summary>
    public string Headline => !NativeLoaded ? "The engine could not start: its native library did not load."
        : Devices.FirstOrDefault(d => d.Id.StartsWith("cuda", StringComparison.Ordinal)) is { } gpu
            ? $"Running on {gpu.Name}: {gpu.Memory}."
            : $"Running on {Devices.FirstOrDefault()?.Name ?? "the CPU"}; no GPU is available.";
}
