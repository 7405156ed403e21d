using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.TestSupport;
using static TorchSharp.torch;

namespace LiveAvatar.Engine.Tests.Runtime;

/// <summary>The dispose discipline the engine relies on, in TorchSharp's dispose scopes: nothing created in a
/// forward outlives it unless moved out, and weights leave every scope when a parameter takes them.</summary>
[Collection(TorchCollection.Name)]
public sealed class DisposalTests
{
    [Fact]
    public void A_scope_frees_every_tensor_made_inside_it()
    {
        var before = LiveTensors.Settled();
        using (NewDisposeScope())
        {
            var x = Noise.Randn([4, 4], 1);
            _ = (x.matmul(x) + 1).relu().sum();
            Assert.True(Tensor.TotalCount > before);
        }
        Assert.Equal(before, Tensor.TotalCount);
    }

    [Fact]
    public void A_result_moved_out_survives_its_scope_and_belongs_to_the_caller()
    {
        var before = LiveTensors.Settled();
        Tensor y;
        using (NewDisposeScope())
        {
            var x = ones(3);
            y = (x * 2).MoveToOuterDisposeScope();
        }
        Assert.Equal(before + 1, Tensor.TotalCount);
        Assert.Equal([2f, 2f, 2f], HostArrays.Read<float>(y));
        y.Dispose();
        Assert.Equal(before, Tensor.TotalCount);
    }

    [Fact]
    public void A_parameter_takes_its_tensor_out_of_every_scope_and_frees_it_when_disposed()
    {
        var before = LiveTensors.Settled();
        var p = new Parameter("w", [2, 2]);
        using (NewDisposeScope())
        using (NewDisposeScope())
            p.Set(zeros(2, 2));
        Assert.False(p.T.IsInvalid);
        Assert.Equal(before + 1, Tensor.TotalCount);
        p.Dispose();
        Assert.Equal(before, Tensor.TotalCount);
    }

    [Fact]
    public void Seeded_noise_equals_pytorchs_randn_for_the_same_seed()
    {
        // torch.randn(5, generator=torch.Generator().manual_seed(42))
        using var x = Noise.Randn([5], 42);
        TensorAssert.Close([0.33669037, 0.12880941, 0.23446237, 0.23033303, -1.12285638], x, 1e-7);
    }
}
