using TorchSharp;

namespace LiveAvatar.Engine.Tests.TestSupport;

/// <summary>Baselines for leak checks. Tensors earlier tests left to the GC are finalized at unpredictable times and
/// would move a raw count taken before the work under test; a full GC first makes the baseline this test's own.</summary>
public static class LiveTensors
{
    public static long Settled()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return torch.Tensor.TotalCount;
    }
}
