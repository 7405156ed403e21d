using LiveAvatar.Engine.Diagnostics;

namespace LiveAvatar.Web.Tests.TestSupport;

/// <summary>Returns whatever status the test sets, counting reads.</summary>
internal sealed class FakeEngineStatusProvider(EngineStatus status) : IEngineStatusProvider
{
    public EngineStatus Status { get; set; } = status;
    public Exception? Failure { get; set; }
    public int Reads { get; private set; }

    public EngineStatus GetStatus()
    {
        Reads++;
        if (Failure is not null) throw Failure;
        return Status;
    }
}

internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
    public override DateTimeOffset GetUtcNow() => Now;
}

internal static class SampleStatus
{
    public const long GiB = 1024L * 1024 * 1024;

    public static readonly DateTimeOffset CheckedAt = new(2026, 1, 2, 13, 14, 15, TimeSpan.Zero);

    public static EngineStatus LoadedWithGpu(CheckpointStatus? checkpoint = null) => new(
        NativeLoaded: true,
        NativeError: null,
        LibtorchVersion: "2.5.1",
        ParallelInfo: "ATen/Parallel:\n\tat::get_num_threads() : 16\n",
        CudaAvailable: true,
        Devices:
        [
            new DeviceStatus("cpu", "CPU", null, null, null),
            new DeviceStatus("cuda:0", "NVIDIA H100 80GB HBM3", 85_031_714_816, 84_000_000_000, 0),
        ],
        Checkpoint: checkpoint ?? Complete());

    public static EngineStatus NativeMissing(string error = "libliveavatar_native.so: cannot open shared object file") => new(
        NativeLoaded: false,
        NativeError: error,
        LibtorchVersion: null,
        ParallelInfo: null,
        CudaAvailable: false,
        Devices: [],
        Checkpoint: new CheckpointStatus("/ckpt/none", Exists: false, IsDemo: false, Present: [], Missing: []));

    public static CheckpointStatus Complete() =>
        new("/ckpt/Wan2.2-S2V-14B", Exists: true, IsDemo: false, Present: ["config.json", "model.safetensors"], Missing: []);

    public static CheckpointStatus MissingTwo() =>
        new("/ckpt/Wan2.2-S2V-14B", Exists: true, IsDemo: false, Present: ["config.json"],
            Missing: ["diffusion_pytorch_model-00001-of-00004.safetensors", "Wan2.1_VAE.pth"]);
}
