using LiveAvatar.Engine.Tensors;
using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Engine.Tests.Tensors;

[Collection(TorchCollection.Name)]
public sealed class DisposalTests
{
    [Fact]
    public void A_scope_leaves_no_live_native_tensor_behind()
    {
        var before = Tensor.LiveCount;
        using (DisposeScope.Enter())
        {
            var a = Tensor.RandN([8, 8], 1);
            var b = (a.MatMul(a) + 1).Silu().Softmax(-1).Narrow(0, 0, 2);
            _ = Tensor.Cat([a, a], 0).Split(4, 0);
            Assert.True(Tensor.LiveCount > before + 5);
        }
        Assert.Equal(before, Tensor.LiveCount);
    }

    [Fact]
    public void A_result_moved_out_survives_its_scope_and_only_it()
    {
        var before = Tensor.LiveCount;
        Tensor kept;
        using (DisposeScope.Enter())
        {
            var tmp = Tensor.Ones([3]) * 2;
            kept = (tmp + 1).MoveToOuterScope();
        }
        Assert.Equal(before + 1, Tensor.LiveCount);
        Assert.Equal(new float[] { 3, 3, 3 }, kept.ToArray<float>());
        kept.Dispose();
        Assert.Equal(before, Tensor.LiveCount);
        Assert.True(kept.IsDisposed);
    }

    [Fact]
    public void Nested_scopes_hand_moved_results_to_the_enclosing_scope()
    {
        var before = Tensor.LiveCount;
        using (var outer = DisposeScope.Enter())
        {
            Tensor inner;
            using (DisposeScope.Enter())
            {
                inner = Tensor.Zeros([2]).MoveToOuterScope();
                _ = Tensor.Zeros([2]);
            }
            Assert.False(inner.IsDisposed);
            Assert.Equal(1, outer.Count);
        }
        Assert.Equal(before, Tensor.LiveCount);
    }

    [Fact]
    public void A_detached_tensor_is_owned_by_the_caller()
    {
        var before = Tensor.LiveCount;
        Tensor weight;
        using (DisposeScope.Enter()) weight = Tensor.Ones([4]).DetachFromScope();
        Assert.False(weight.IsDisposed);
        weight.Dispose();
        Assert.Equal(before, Tensor.LiveCount);
    }

    [Fact]
    public void Using_a_disposed_tensor_throws_instead_of_touching_freed_memory()
    {
        var t = Tensor.Ones([2]);
        t.Dispose();
        Assert.Throws<ObjectDisposedException>(() => t.Sum());
        t.Dispose(); // twice is harmless
    }

    [Fact]
    public void A_failing_op_inside_a_scope_leaks_nothing()
    {
        var before = Tensor.LiveCount;
        using (DisposeScope.Enter())
        {
            var a = Tensor.Ones([2, 3]);
            Assert.Throws<TorchException>(() => a.MatMul(a));
        }
        Assert.Equal(before, Tensor.LiveCount);
    }
}
