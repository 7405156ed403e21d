using System.Text.Json;
using LiveAvatar.Engine.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using Xunit;

namespace LiveAvatar.Engine.Tests.Checkpoints;

/// <summary>Reads the real fixture files under ../shared/golden, written by the Python safetensors library.</summary>
public sealed class GoldenCheckpointTests
{
    internal static string GoldenDir => TestSupport.GoldenPaths.Root;

    [Fact]
    public void Block_weights_match_every_name_shape_and_dtype_in_the_manifest()
    {
        var folder = Path.Combine(GoldenDir, "dit_block");
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "manifest.json")));
        var expected = manifest.RootElement.GetProperty("tensors").EnumerateObject()
            .Where(p => p.Value.GetProperty("file").GetString() == "weights_blocks.safetensors")
            .ToList();

        using var reader = CheckpointReader.Open(Path.Combine(folder, "weights_blocks.safetensors"));

        Assert.Equal(expected.Count, reader.Tensors.Count);
        foreach (var p in expected)
        {
            var t = reader[p.Name];
            Assert.Equal(p.Value.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()), t.Shape);
            Assert.Equal(CheckpointDTypes.Parse(p.Value.GetProperty("dtype").GetString()!), t.DType);
            Assert.True(t.IsContiguous);
        }
        Assert.Equal(new long[] { 64, 64 }, reader["blocks.0.self_attn.q.weight"].Shape);
        Assert.Equal("liveavatar", reader.Metadata["golden"]);
    }

    [Fact]
    public void Golden_weight_names_are_a_subset_of_the_approved_14b_key_list()
    {
        var approved = File.ReadLines(Path.Combine(GoldenDir, "keys_14b", "dit_keys.txt"))
            .Where(l => !l.StartsWith('#') && l.Length > 0)
            .Select(l => l.Split('\t')[0])
            .ToHashSet(StringComparer.Ordinal);
        var folder = Path.Combine(GoldenDir, "dit_block");

        foreach (var file in new[] { "weights_blocks", "weights_other", "weights_frame_packer" })
        {
            using var reader = CheckpointReader.Open(Path.Combine(folder, file + ".safetensors"));
            Assert.NotEmpty(reader.Tensors);
            Assert.All(reader.Tensors, t => Assert.Contains(t.Name, approved));
        }
    }

    [Fact]
    public void Every_golden_safetensors_file_opens_and_copies_out()
    {
        var files = Directory.GetFiles(GoldenDir, "*.safetensors", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        foreach (var f in files)
        {
            using var reader = CheckpointReader.Open(f);
            foreach (var t in reader.Tensors)
            {
                var buf = new byte[t.ByteLength];
                t.CopyTo(buf);
            }
        }
    }

    [Fact]
    public void A_golden_float_value_reads_as_the_python_writer_stored_it()
    {
        using var reader = CheckpointReader.Open(Path.Combine(GoldenDir, "dit_block", "weights_blocks.safetensors"));
        var t = reader["blocks.0.norm3.weight"];
        var values = new float[t.ElementCount];
        t.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));

        // Norm weights were drawn as 1 + 0.1·N(0,1) (README), so all sit near 1 and none is exactly 0.
        Assert.All(values, v => Assert.InRange(v, 0.4f, 1.6f));
        Assert.True(values.Distinct().Count() > values.Length / 2);
    }
}
