using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.TestSupport;
using TorchSharp;

namespace LiveAvatar.Engine.Tests.Runtime;

[Collection(TorchCollection.Name)]
public sealed class ScalarSafeOpsTests
{
    [Fact]
    public void They_compute_what_the_operators_compute()
    {
        using var a = torch.arange(12, dtype: torch.ScalarType.Float32).reshape(3, 4);
        using var b = torch.ones(3, 4) * 0.5;
        using var sum = ScalarSafeOps.Add(a, b);
        using var product = ScalarSafeOps.Mul(a, 0.25);
        Assert.Equal(0, TensorAssert.MaxAbsDiff(a + b, sum));
        Assert.Equal(0, TensorAssert.MaxAbsDiff(a * 0.25, product));
    }
}
