using System.Diagnostics;
using LiveAvatar.Engine.Checkpoints;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Tests.Checkpoints;

public sealed class TorchZipWriterTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("la-tzw-");

    public void Dispose() => _dir.Delete(true);

    private static byte[] Floats(params float[] v)
    {
        var b = new byte[v.Length * 4];
        Buffer.BlockCopy(v, 0, b, 0, b.Length);
        return b;
    }

    [Fact]
    public void A_written_state_dict_reads_back_with_names_shapes_dtypes_and_bytes()
    {
        var path = Path.Combine(_dir.FullName, "w.pth");
        var w = Floats(1, 2, 3, 4, 5, 6);
        var bf = new byte[] { 0x80, 0x3F, 0x00, 0xC0 };
        TorchZipWriter.Write(path, [("blocks.0.weight", CheckpointDType.Float32, [2, 3], w), ("scale", CheckpointDType.BFloat16, [2], bf), ("ids", CheckpointDType.Int64, [0], Array.Empty<byte>())]);
        using var r = CheckpointReader.Open(path);
        Assert.Equal(new[] { "blocks.0.weight", "ids", "scale" }, r.Tensors.Select(t => t.Name).Order().ToArray());
        var t0 = r["blocks.0.weight"];
        Assert.Equal(new long[] { 2, 3 }, t0.Shape);
        var got = new byte[t0.ByteLength];
        t0.CopyTo(got);
        Assert.Equal(w, got);
        Assert.Equal(CheckpointDType.BFloat16, r["scale"].DType);
    }

    [Fact]
    public void Torch_load_in_python_reads_what_we_write()
    {
        const string py = "/usr/bin/python3";
        Assert.True(File.Exists(py), "python3-torch is needed: apt-get install python3-torch");
        var path = Path.Combine(_dir.FullName, "w.pth");
        TorchZipWriter.Write(path, [("a.b", CheckpointDType.Float32, [2, 2], Floats(1, 2, 3, 4)), ("c", CheckpointDType.BFloat16, [1], new byte[] { 0x80, 0x3F })]);
        var psi = new ProcessStartInfo(py, ["-c",
            "import torch,sys; d=torch.load(sys.argv[1]); print(list(d.keys()), d['a.b'].tolist(), d['c'].dtype, d['c'].item())", path])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
        Assert.Equal("['a.b', 'c'] [[1.0, 2.0], [3.0, 4.0]] torch.bfloat16 1.0", output.Trim());
    }

    [Fact]
    public void A_size_mismatch_is_refused_and_leaves_no_file()
    {
        var path = Path.Combine(_dir.FullName, "bad.pth");
        var e = Assert.Throws<ArgumentException>(() => TorchZipWriter.Write(path, [("x", CheckpointDType.Float32, [3], Floats(1, 2))]));
        Assert.Contains("'x'", e.Message);
        Assert.Empty(_dir.GetFiles());
    }
}
