using LiveAvatar.Engine.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using Xunit;

namespace LiveAvatar.Engine.Tests.Checkpoints;

/// <summary>Reads archives written by torch.save and compares every tensor with the bytes torch itself produced.</summary>
public sealed class TorchZipTests(TorchFixture torch) : IClassFixture<TorchFixture>
{
    [Theory]
    [InlineData("model.pth")]
    [InlineData("pytorch_model.bin")]
    [InlineData("protocol4.pt")]
    [InlineData("little.pth")]
    public void Every_tensor_matches_what_torch_wrote(string file)
    {
        using var reader = CheckpointReader.Open(torch.File(file));

        var expected = torch.ExpectedTensors.ToList();
        Assert.Equal(expected.Select(p => p.Name), reader.Tensors.Select(t => t.Name));
        foreach (var p in expected)
        {
            var t = reader[p.Name];
            Assert.Equal(CheckpointDTypes.Parse(p.Value.GetProperty("dtype").GetString()!), t.DType);
            Assert.Equal(Longs(p.Value, "shape"), t.Shape);
            Assert.Equal(Longs(p.Value, "stride"), t.Strides);
            Assert.Equal(p.Value.GetProperty("contiguous").GetBoolean(), t.IsContiguous);
            Assert.True(torch.ExpectedBytes(p.Name).AsSpan().SequenceEqual(SafetensorsRoundTripTests.ReadAll(t)),
                $"bytes of '{p.Name}' differ from torch's");
        }
    }

    [Fact]
    public void A_transposed_view_is_not_contiguous_and_copies_out_transposed()
    {
        using var reader = CheckpointReader.Open(torch.File("model.pth"));

        var t = reader["f32_t"];
        Assert.False(t.IsContiguous);
        Assert.Equal(new long[] { 1, 4 }, t.Strides);
        var m = Floats(reader["f32"]);
        var mt = Floats(t);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 4; j++)
                Assert.Equal(m[i * 4 + j], mt[j * 3 + i]);
    }

    [Fact]
    public unsafe void Tensors_sharing_a_storage_point_into_the_same_bytes_at_their_offsets()
    {
        using var reader = CheckpointReader.Open(torch.File("model.pth"));

        var a = reader["shared_a"];
        var b = reader["shared_b"];
        Assert.Equal(3 * sizeof(float), b.DataPointer - a.DataPointer);
        Assert.Equal(new[] { 1.0f, 1.5f, 2.0f, 2.5f }, Floats(a));
        Assert.Equal(new[] { 2.5f, 3.0f, 3.5f, 4.0f, 4.5f }, Floats(b));
    }

    [Fact]
    public void A_parameter_and_a_state_dict_with_metadata_load_as_plain_tensors()
    {
        using var reader = CheckpointReader.Open(torch.File("model.pth"));

        Assert.Equal(new[] { 1.5f, 1.5f }, Floats(reader["param"]));
        Assert.Equal(new long[] { 2, 3 }, reader["linear.weight"].Shape);
        Assert.Equal(new long[] { 2 }, reader["linear.bias"].Shape);
        Assert.Equal(new[] { 1.0f, 2.0f }, Floats(reader["nested.inner.x"]));
    }

    [Fact]
    public void A_wrapped_checkpoint_is_flattened_and_its_scalars_become_metadata()
    {
        using var reader = CheckpointReader.Open(torch.File("wrapped.pth"));

        Assert.Equal(["state_dict.w"], reader.Tensors.Select(t => t.Name));
        Assert.Equal("3", reader.Metadata["epoch"]);
        Assert.Equal("run1", reader.Metadata["tag"]);
    }

    [Fact]
    public void A_torch_archive_is_recognised_by_content_not_by_extension()
    {
        var renamed = torch.File("renamed.ckpt");
        File.Copy(torch.File("model.pth"), renamed, overwrite: true);

        using var reader = CheckpointReader.Open(renamed);
        Assert.Equal(3.25f, Floats(reader["scalar"]).Single());
    }

    [Fact]
    public void Tensors_refuse_access_after_the_reader_is_disposed()
    {
        var reader = CheckpointReader.Open(torch.File("model.pth"));
        var t = reader["f32"];
        reader.Dispose();

        Assert.Throws<ObjectDisposedException>(() => t.CopyTo(new byte[t.ByteLength]));
    }

    internal static float[] Floats(CheckpointTensor t)
    {
        var values = new float[t.ElementCount];
        t.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    private static long[] Longs(System.Text.Json.JsonElement e, string key) =>
        e.GetProperty(key).EnumerateArray().Select(x => x.GetInt64()).ToArray();
}
