using LiveAvatar.Engine.Tensors;
using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Engine.Tests.Tensors;

[Collection(TorchCollection.Name)]
public sealed class DeviceTests
{
    [Fact]
    public void Device_strings_parse_and_print_like_pytorchs()
    {
        Assert.Equal(Device.Cuda(3), Device.Parse("cuda:3"));
        Assert.Equal("cuda:3", Device.Cuda(3).ToString());
        Assert.Equal(Device.Meta, Device.Parse("meta"));
        Assert.Equal(Device.Cuda(0), Device.Parse("CUDA"));
        var e = Assert.Throws<FormatException>(() => Device.Parse("gpu1"));
        Assert.Contains("cuda:N", e.Message);
    }

    [Fact]
    public void The_library_reports_its_version_and_cpu_parallelism()
    {
        Assert.True(Torch.Version.Major >= 1);
        Assert.Contains("ATen", Torch.ParallelInfo);
        Assert.NotNull(Torch.NativeLibraryPath);
    }

    [Fact]
    public void Cuda_calls_on_a_cpu_only_build_say_how_to_get_cuda()
    {
        if (Torch.BuiltWithCuda) return; // the GPU self-test covers the other side
        Assert.False(Cuda.IsAvailable);
        Assert.Equal(0, Cuda.DeviceCount);
        var e = Assert.Throws<TorchException>(() => Cuda.MemoryInfo(0));
        Assert.Contains("CPU-only libtorch", e.Message);
        Assert.Contains("build-native.sh", e.Message);
        Assert.Throws<TorchException>(() => CudaStream.Create());
        Assert.Throws<ArgumentOutOfRangeException>(() => Cuda.SetMemoryFraction(1.5));
    }

    [Fact]
    public void Asking_for_a_cuda_tensor_without_cuda_is_a_clear_error()
    {
        if (Cuda.IsAvailable) return;
        using var scope = DisposeScope.Enter();
        var e = Assert.ThrowsAny<TorchException>(() => Tensor.Zeros([2], device: Device.Cuda(0)));
        Assert.Contains("CUDA", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Dtype_names_parse_in_every_spelling_the_tools_use()
    {
        Assert.Equal(DType.BFloat16, DTypeInfo.Parse("BF16"));
        Assert.Equal(DType.Float8E4M3, DTypeInfo.Parse("F8_E4M3"));
        Assert.Equal(DType.Float32, DTypeInfo.Parse("float32"));
        Assert.Equal(2, DType.BFloat16.ElementSize());
        Assert.Throws<FormatException>(() => DTypeInfo.Parse("f7"));
    }
}
