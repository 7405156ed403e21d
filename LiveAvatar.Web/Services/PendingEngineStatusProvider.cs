using LiveAvatar.Engine.Diagnostics;

namespace LiveAvatar.Web.Services;

/// <summary>
/// Stand-in until the libtorch-backed NativeEngineStatusProvider is wired in Program.cs; it says so on the page
/// instead of pretending the engine is there.
/// </summary>
internal sealed class PendingEngineStatusProvider(string checkpointDirectory) : IEngineStatusProvider
{
    public const string Message = "engine status provider not wired yet";

    public EngineStatus GetStatus() => new(
        NativeLoaded: false,
        NativeError: Message,
        LibtorchVersion: null,
        ParallelInfo: null,
        CudaAvailable: false,
        Devices: [],
        Checkpoint: new CheckpointStatus(checkpointDirectory, Directory.Exists(checkpointDirectory), IsDemo: false,
            Present: [], Missing: []));
}
