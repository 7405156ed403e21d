using LiveAvatar.Engine.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using Xunit;

namespace LiveAvatar.Engine.Tests.Checkpoints;

public sealed class SafetensorsRoundTripTests : IDisposable
{
    private readonly TempFolder _tmp = new();

    public void Dispose() => _tmp.Dispose();

    public static TheoryData<CheckpointDType> AllDTypes() =>
    [
        CheckpointDType.UInt8, CheckpointDType.Int8, CheckpointDType.Int32, CheckpointDType.Int64, CheckpointDType.Float16, CheckpointDType.BFloat16, CheckpointDType.Float32,
        CheckpointDType.Float64, CheckpointDType.Bool, CheckpointDType.Float8E4M3, CheckpointDType.Float8E5M2, CheckpointDType.Complex64,
    ];

    [Theory]
    [MemberData(nameof(AllDTypes))]
    public void Every_dtype_survives_a_write_and_read_byte_for_byte(CheckpointDType dtype)
    {
        var shape = new long[] { 2, 3 };
        var data = Pattern(6 * dtype.ElementSize());
        var path = _tmp.File("t.safetensors");

        SafetensorsWriter.Write(path, [("x", dtype, shape, data)]);
        using var reader = CheckpointReader.Open(path);

        var t = reader["x"];
        Assert.Equal(dtype, t.DType);
        Assert.Equal(shape, t.Shape);
        Assert.Equal(new long[] { 3, 1 }, t.Strides);
        Assert.True(t.IsContiguous);
        Assert.Equal(data.Length, t.ByteLength);
        Assert.Equal(data, ReadAll(t));
    }

    [Fact]
    public void Scalar_and_empty_tensors_round_trip_with_their_shapes()
    {
        var path = _tmp.File("edge.safetensors");
        SafetensorsWriter.Write(path,
        [
            ("scalar", CheckpointDType.Float32, [], BitConverter.GetBytes(2.5f)),
            ("empty", CheckpointDType.BFloat16, [0, 4], Array.Empty<byte>()),
            ("after", CheckpointDType.Int64, [1], BitConverter.GetBytes(7L)),
        ]);
        using var reader = CheckpointReader.Open(path);

        Assert.Empty(reader["scalar"].Shape);
        Assert.Equal(1, reader["scalar"].ElementCount);
        Assert.Equal(2.5f, BitConverter.ToSingle(ReadAll(reader["scalar"])));
        Assert.Equal(new long[] { 0, 4 }, reader["empty"].Shape);
        Assert.Equal(0, reader["empty"].ByteLength);
        Assert.Empty(ReadAll(reader["empty"]));
        Assert.Equal(7L, BitConverter.ToInt64(ReadAll(reader["after"])));
    }

    [Fact]
    public void Metadata_is_written_and_read_back()
    {
        var path = _tmp.File("m.safetensors");
        SafetensorsWriter.Write(path, [("a", CheckpointDType.UInt8, [1], new byte[] { 9 })],
            new Dictionary<string, string> { ["format"] = "pt", ["note"] = "hello" });
        using var reader = CheckpointReader.Open(path);

        Assert.Equal("pt", reader.Metadata["format"]);
        Assert.Equal("hello", reader.Metadata["note"]);
    }

    [Fact]
    public unsafe void Data_pointer_addresses_the_mapped_bytes_and_data_starts_8_byte_aligned()
    {
        var path = _tmp.File("p.safetensors");
        var data = Pattern(16);
        SafetensorsWriter.Write(path, [("a", CheckpointDType.Float32, [4], data)]);
        using var reader = CheckpointReader.Open(path);

        var t = reader["a"];
        Assert.Equal(data, new ReadOnlySpan<byte>(t.DataPointer, 16).ToArray());
        Assert.Equal(0, (new FileInfo(path).Length - 16) % 8);
    }

    [Fact]
    public void Writer_replaces_an_existing_file_and_leaves_no_temporary_files()
    {
        var path = _tmp.File("r.safetensors");
        SafetensorsWriter.Write(path, [("old", CheckpointDType.UInt8, [1], new byte[] { 1 })]);
        SafetensorsWriter.Write(path, [("new", CheckpointDType.UInt8, [1], new byte[] { 2 })]);
        using var reader = CheckpointReader.Open(path);

        Assert.Equal(["new"], reader.Tensors.Select(t => t.Name));
        Assert.Single(Directory.GetFiles(_tmp.Path));
    }

    [Fact]
    public void Writer_rejects_data_that_does_not_match_the_shape()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            SafetensorsWriter.Write(_tmp.File("w.safetensors"), [("a", CheckpointDType.Float32, [3], new byte[8])]));
        Assert.Contains("'a'", e.Message);
        Assert.Empty(Directory.GetFiles(_tmp.Path));
    }

    [Fact]
    public void A_missing_name_throws_key_not_found_naming_the_key_and_the_file()
    {
        var path = _tmp.File("k.safetensors");
        SafetensorsWriter.Write(path, [("a", CheckpointDType.UInt8, [1], new byte[] { 1 })]);
        using var reader = CheckpointReader.Open(path);

        var e = Assert.Throws<KeyNotFoundException>(() => reader["blocks.0.q.weight"]);
        Assert.Contains("blocks.0.q.weight", e.Message);
        Assert.Contains("k.safetensors", e.Message);
        Assert.False(reader.TryGet("nope", out _));
    }

    [Fact]
    public void Copy_to_a_wrong_sized_destination_is_rejected()
    {
        var path = _tmp.File("c.safetensors");
        SafetensorsWriter.Write(path, [("a", CheckpointDType.Float32, [2], new byte[8])]);
        using var reader = CheckpointReader.Open(path);

        var e = Assert.Throws<ArgumentException>(() => reader["a"].CopyTo(new byte[4]));
        Assert.Contains("8 bytes", e.Message);
    }

    internal static byte[] Pattern(int n) => Enumerable.Range(0, n).Select(i => (byte)(i * 37 + 11)).ToArray();

    internal static byte[] ReadAll(CheckpointTensor t)
    {
        var buf = new byte[t.ByteLength];
        t.CopyTo(buf);
        return buf;
    }
}
