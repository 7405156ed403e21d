namespace LiveAvatar.Engine.Generation;

/// <summary>What the machine offers, as the validator needs it (the generator reads it from libtorch; tests and
/// front ends without libtorch pass what they know).</summary>
/// <param name="CudaDevices">CUDA devices present.</param>
/// <param name="Fp8Unavailable">Why FP8 cannot run on the first DiT device, or null when it can.</param>
public sealed record DeviceFacts(int CudaDevices, string? Fp8Unavailable = null)
{
    /// <summary>No GPU, FP8 not checked: enough to validate the settings of a CPU run.</summary>
    public static DeviceFacts CpuOnly { get; } = new(0);
}
