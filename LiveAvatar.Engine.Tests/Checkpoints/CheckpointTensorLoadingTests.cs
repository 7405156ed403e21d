using LiveAvatar.Engine.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Engine.Tests.Checkpoints;

[Collection(TorchCollection.Name)]
public sealed class CheckpointTensorLoadingTests
{
    private static readonly string Golden = Path.Combine(GoldenPaths.Folder("dit_block"), "weights_blocks.safetensors");

    [Fact]
    public void A_mapped_tensor_loads_with_the_bytes_the_file_holds()
    {
        using var reader = CheckpointReader.Open(Golden);
        var entry = reader.Tensors.First(t => t.Shape.Length == 2);
        var bytes = new byte[entry.ByteLength];
        entry.CopyTo(bytes);
        var expected = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, expected, 0, bytes.Length);
        using var scope = torch.NewDisposeScope();
        var t = entry.ToTensor();
        Assert.Equal(entry.Shape, t.shape);
        Assert.Equal(expected, HostArrays.Read<float>(t));
        var bf = entry.ToTensor(torch.CPU, ScalarType.BFloat16);
        Assert.Equal(ScalarType.BFloat16, bf.dtype);
        Assert.Equal(Reference.ToBf16(expected[7]), HostArrays.Read<double>(bf.to(ScalarType.Float64))[7]);
    }

    [Fact]
    public void A_shape_mismatch_names_the_key_and_both_shapes()
    {
        using var reader = CheckpointReader.Open(Golden);
        var entry = reader.Tensors.First(t => t.Shape.Length == 2);
        var e = Assert.Throws<CheckpointFormatException>(() => reader.Load(entry.Name, [1, 2, 3]));
        Assert.Contains(entry.Name, e.Message);
        Assert.Contains("[1, 2, 3]", e.Message);
    }

    [Fact]
    public void Loading_onto_the_meta_device_reads_no_data_but_keeps_the_shape()
    {
        using var reader = CheckpointReader.Open(Golden);
        var entry = reader.Tensors[0];
        using var t = entry.ToTensor(torch.META, ScalarType.BFloat16);
        Assert.Equal(Devices.Name(torch.META), Devices.Name(t.device));
        Assert.Equal(entry.Shape, t.shape);
    }
}
