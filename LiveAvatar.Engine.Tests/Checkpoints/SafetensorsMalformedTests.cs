using LiveAvatar.Engine.Checkpoints;
using Xunit;

namespace LiveAvatar.Engine.Tests.Checkpoints;

/// <summary>The catalogue of broken safetensors files: each must fail with a message that names the file and,
/// where there is one, the tensor, and says what is wrong.</summary>
public sealed class SafetensorsMalformedTests : IDisposable
{
    private readonly TempFolder _tmp = new();

    public void Dispose() => _tmp.Dispose();

    [Fact]
    public void An_empty_file_is_rejected_as_too_short()
    {
        var e = Reject(_tmp.WriteBytes("empty.safetensors", []));
        Assert.Contains("empty.safetensors", e.Message);
        Assert.Contains("0 bytes, too short", e.Message);
    }

    [Fact]
    public void A_4_byte_file_is_rejected_as_too_short()
    {
        var e = Reject(_tmp.WriteBytes("four.safetensors", [1, 0, 0, 0]));
        Assert.Contains("four.safetensors", e.Message);
        Assert.Contains("4 bytes, too short", e.Message);
    }

    [Fact]
    public void A_header_length_larger_than_the_file_is_rejected()
    {
        var e = Reject(_tmp.WriteRawSafetensors("long.safetensors", "{}", [], forcedHeaderLength: 4096));
        Assert.Contains("long.safetensors", e.Message);
        Assert.Contains("header length 4096 exceeds the file size", e.Message);
    }

    [Fact]
    public void A_header_that_is_not_json_is_rejected()
    {
        var e = Reject(_tmp.WriteRawSafetensors("text.safetensors", "{not json at all", []));
        Assert.Contains("text.safetensors", e.Message);
        Assert.Contains("not valid JSON", e.Message);
    }

    [Fact]
    public void A_json_array_header_is_rejected()
    {
        var e = Reject(_tmp.WriteRawSafetensors("array.safetensors", "[1, 2, 3]", []));
        Assert.Contains("must be a JSON object, found Array", e.Message);
    }

    [Fact]
    public void A_tensor_without_data_offsets_is_rejected_naming_the_tensor()
    {
        var e = Reject(_tmp.WriteRawSafetensors("nooff.safetensors", """{"w":{"dtype":"F32","shape":[1]}}""", new byte[4]));
        Assert.Contains("nooff.safetensors", e.Message);
        Assert.Contains("tensor 'w'", e.Message);
        Assert.Contains("missing 'data_offsets'", e.Message);
    }

    [Fact]
    public void A_tensor_without_dtype_is_rejected()
    {
        var e = Reject(_tmp.WriteRawSafetensors("nodt.safetensors", """{"w":{"shape":[1],"data_offsets":[0,4]}}""", new byte[4]));
        Assert.Contains("tensor 'w'", e.Message);
        Assert.Contains("'dtype'", e.Message);
    }

    [Fact]
    public void An_unknown_dtype_is_rejected_with_the_supported_list()
    {
        var e = Reject(_tmp.WriteRawSafetensors("f7.safetensors",
            """{"w":{"dtype":"F7","shape":[1],"data_offsets":[0,1]}}""", new byte[1]));
        Assert.Contains("tensor 'w'", e.Message);
        Assert.Contains("unknown dtype 'F7'", e.Message);
        Assert.Contains("BF16", e.Message);
    }

    [Fact]
    public void Offsets_beyond_the_data_section_are_rejected()
    {
        var e = Reject(_tmp.WriteRawSafetensors("range.safetensors",
            """{"w":{"dtype":"F32","shape":[4],"data_offsets":[16,32]}}""", new byte[16]));
        Assert.Contains("tensor 'w'", e.Message);
        Assert.Contains("[16, 32] lie outside the data section (16 bytes)", e.Message);
    }

    [Fact]
    public void A_truncated_data_section_is_reported_as_possibly_truncated()
    {
        var e = Reject(_tmp.WriteRawSafetensors("trunc.safetensors",
            """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}""",
            new byte[12]));
        Assert.Contains("tensor 'b'", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void End_before_begin_is_rejected()
    {
        var e = Reject(_tmp.WriteRawSafetensors("rev.safetensors",
            """{"w":{"dtype":"U8","shape":[0],"data_offsets":[4,2]}}""", new byte[4]));
        Assert.Contains("end 2 is before begin 4", e.Message);
    }

    [Fact]
    public void Overlapping_tensors_are_rejected_naming_both()
    {
        var e = Reject(_tmp.WriteRawSafetensors("overlap.safetensors",
            """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""",
            new byte[12]));
        Assert.Contains("tensor 'b'", e.Message);
        Assert.Contains("overlap tensor 'a'", e.Message);
    }

    [Fact]
    public void A_byte_size_that_disagrees_with_the_shape_is_rejected()
    {
        var e = Reject(_tmp.WriteRawSafetensors("size.safetensors",
            """{"w":{"dtype":"BF16","shape":[2,3],"data_offsets":[0,8]}}""", new byte[8]));
        Assert.Contains("tensor 'w'", e.Message);
        Assert.Contains("span 8 bytes but shape [2, 3] of BF16 needs 12", e.Message);
    }

    [Fact]
    public void A_negative_dimension_is_rejected()
    {
        var e = Reject(_tmp.WriteRawSafetensors("neg.safetensors",
            """{"w":{"dtype":"F32","shape":[-1,4],"data_offsets":[0,0]}}""", []));
        Assert.Contains("tensor 'w'", e.Message);
        Assert.Contains("negative dimension -1", e.Message);
    }

    [Fact]
    public void Non_string_metadata_is_rejected()
    {
        var e = Reject(_tmp.WriteRawSafetensors("meta.safetensors", """{"__metadata__":{"n":3}}""", []));
        Assert.Contains("__metadata__ value 'n' must be a string", e.Message);
    }

    private static CheckpointFormatException Reject(string path)
    {
        var e = Assert.Throws<CheckpointFormatException>(() => CheckpointReader.Open(path).Dispose());
        Assert.Contains(Path.GetFileName(path), e.Message);
        return e;
    }
}
