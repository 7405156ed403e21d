namespace LiveAvatar.Engine.Diagnostics;

/// <summary>One compute device as the status page and `liveavatar env` show it.</summary>
public sealed record DeviceStatus(string Id, string Name, long? TotalBytes, long? FreeBytes, long? AllocatedBytes);

/// <summary>What the configured checkpoint folder holds.</summary>
public sealed record CheckpointStatus(string Directory, bool Exists, bool IsDemo, IReadOnlyList<string> Present,
    IReadOnlyList<string> Missing)
{
    public bool IsComplete => Exists && Missing.Count == 0;
}

/// <summary>Engine facts for display: plain .NET values only, no tensors.</summary>
public sealed record EngineStatus(
    bool NativeLoaded,
    string? NativeError,
    string? LibtorchVersion,
    string? ParallelInfo,
    bool CudaAvailable,
    IReadOnlyList<DeviceStatus> Devices,
    CheckpointStatus Checkpoint);

public interface IEngineStatusProvider
{
    EngineStatus GetStatus();
}
