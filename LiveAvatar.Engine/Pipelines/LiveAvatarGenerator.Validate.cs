using LiveAvatar.Engine.Native;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Pipelines;

public sealed partial class LiveAvatarGenerator
{
    /// <summary>The contract's rules with this machine's facts (CUDA devices, FP8 on the first DiT device).</summary>
    public IReadOnlyList<GenerationProblem> Validate(GenerationRequest r)
    {
        string? fp8 = null;
        if (r.Fp8 && r.Devices.DitDevices.Count > 0 && DevicePlanner.TryParse(r.Devices.DitDevices[0], out _, out _))
            fp8 = Models.Fp8.Fp8Conversion.MissingFor(Devices.Parse(r.Devices.DitDevices[0]));
        return [.. GenerationValidator.Validate(r, new DeviceFacts(CudaDevices.IsAvailable ? CudaDevices.Count : 0, fp8)),
            .. GenerationValidator.ValidateConditioning(r)];
    }
}
