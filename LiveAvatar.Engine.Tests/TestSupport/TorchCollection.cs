using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Tests.TestSupport;

/// <summary>Every test that touches libtorch joins this collection, so they never run in parallel
/// (live-tensor counts and thread settings are process-wide).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchCollection : ICollectionFixture<TorchFixture>
{
    public const string Name = "libtorch";
}

public sealed class TorchFixture
{
    public TorchFixture()
    {
        TorchRuntime.EnsureLoaded();
    }
}
