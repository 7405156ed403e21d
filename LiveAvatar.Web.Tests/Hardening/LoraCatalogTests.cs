using System.Diagnostics;
using LiveAvatar.Web.Services;
using LiveAvatar.Web.Tests.TestSupport;

namespace LiveAvatar.Web.Tests.Hardening;

public class LoraCatalogTests
{
    [Fact]
    public void Only_regular_weight_files_beside_the_checkpoint_are_offered()
    {
        using var data = new TestData();
        string ckpt = Path.Combine(data.Root, "ckpt");
        Directory.CreateDirectory(Path.Combine(ckpt, "Wan2.2-S2V-14B"));
        Directory.CreateDirectory(Path.Combine(ckpt, "LiveAvatar"));
        File.WriteAllText(Path.Combine(ckpt, "LiveAvatar", "liveavatar.safetensors"), "weights");
        File.WriteAllText(Path.Combine(ckpt, "mine.safetensors"), "weights");
        File.WriteAllText(Path.Combine(ckpt, "empty.safetensors"), "");
        File.WriteAllText(Path.Combine(ckpt, "notes.txt"), "text");
        File.WriteAllText(Path.Combine(ckpt, "Wan2.2-S2V-14B", "diffusion_pytorch_model-00001-of-00004.safetensors"), "shard");
        File.CreateSymbolicLink(Path.Combine(ckpt, "shadow.safetensors"), "/etc/shadow");
        MakeFifo(Path.Combine(ckpt, "fifo.safetensors"));
        var catalog = new LoraCatalog(Path.Combine(ckpt, "Wan2.2-S2V-14B"));

        Assert.Equal([LoraCatalog.DefaultName, "mine.safetensors"], catalog.Names);
        Assert.NotNull(catalog.Resolve("mine.safetensors"));
        Assert.Null(catalog.Resolve("fifo.safetensors"));
        Assert.Null(catalog.Resolve("shadow.safetensors"));
        Assert.Null(catalog.Resolve("/etc/shadow"));
        Assert.Null(catalog.Resolve("../ckpt/mine.safetensors"));
    }

    [Fact]
    public async Task A_typed_server_path_is_refused_under_the_lora_field_without_touching_the_file()
    {
        using var data = new TestData(new FakeVideoGenerator());
        var parameters = await data.ParametersAsync() with { LoraEnabled = true, LoraPath = "/etc/shadow" };

        var e = Assert.Throws<JobRejectedException>(() => data.Queue.Submit(parameters, data.Client));

        Assert.Contains("is not a LoRA file of this server", Assert.Single(e.Problems, p => p.Field == GenerationField.Lora).Message);
        Assert.DoesNotContain("exist", e.Message); // says nothing about whether the file is there
    }

    private static void MakeFifo(string path)
    {
        using var p = Process.Start("mkfifo", [path]);
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }
}
