using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Models.Dit;
using LiveAvatar.Engine.Models.Fp8;
using LiveAvatar.Engine.Pipelines;
using LiveAvatar.Tools.Demo;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;
using LiveAvatar.Engine.Tests.TestSupport;

namespace LiveAvatar.Engine.Tests.Models.Fp8;

[Collection(TorchCollection.Name)]
public sealed class Fp8ConversionTests
{
    private static readonly string[] ExcludedLayers =
    [
        "text_embedding.0", "text_embedding.2", "time_embedding.0", "time_embedding.2", "time_projection.1",
        "head.head", "casual_audio_encoder.encoder.final_linear",
    ];

    [Fact]
    public void Full_14B_model_converts_460_linears_and_keeps_exactly_the_seven_excluded_ones()
    {
        using var model = new CausalWanModelS2V(DitConfig.Wan14B);
        model.Materialize(torch.META, ScalarType.BFloat16);

        var s = Fp8Conversion.Select(model);

        // 40 blocks × (self q,k,v,o + cross q,k,v,o + ffn.0, ffn.2) + 12 audio injectors × (q,k,v,o) + 12 AdaLN linears
        Assert.Equal(40 * 10 + 12 * 4 + 12, s.Convert.Count);
        Assert.Equal(ExcludedLayers.Order(), s.Skipped.Order());
        Assert.Contains(s.Convert, c => c.Name == "blocks.39.ffn.2");
        Assert.Contains(s.Convert, c => c.Name == "audio_injector.injector_adain_layers.11.linear");
        Assert.All(s.Convert, c => Assert.Null(Fp8Weight.ShapeProblem(c.Layer.Weight.Shape[0], c.Layer.Weight.Shape[1])));
    }

    [Fact]
    public void Tiny_demo_model_converts_55_linears_and_keeps_the_same_seven()
    {
        using var model = new CausalWanModelS2V(DemoCheckpoint.Dit(32));
        model.Materialize(torch.META, ScalarType.BFloat16);

        var s = Fp8Conversion.Select(model);

        Assert.Equal(4 * 10 + 3 * 4 + 3, s.Convert.Count);
        Assert.Equal(ExcludedLayers.Order(), s.Skipped.Order());
        Assert.All(s.Convert, c => Assert.Null(Fp8Weight.ShapeProblem(c.Layer.Weight.Shape[0], c.Layer.Weight.Shape[1])));
    }

    [Fact]
    public void Named_modules_list_the_root_then_children_by_dotted_path_like_torch()
    {
        using var model = new CausalWanModelS2V(DemoCheckpoint.Dit(32));
        var names = model.NamedModules().ToList();

        Assert.Equal("", names[0].Name);
        Assert.Same(model, names[0].M);
        Assert.IsType<Linear>(names.Single(n => n.Name == "blocks.3.self_attn.q").M);
        Assert.IsType<Conv>(names.Single(n => n.Name == "patch_embedding").M);
        Assert.True(names.FindIndex(n => n.Name == "blocks") < names.FindIndex(n => n.Name == "blocks.0"));
        Assert.Equal(names.Count, names.Select(n => n.Name).Distinct().Count());
    }

    [Fact]
    public void Excluded_names_match_by_substring_as_in_the_original()
    {
        Assert.True(Fp8Conversion.IsExcluded("head.head"));
        Assert.True(Fp8Conversion.IsExcluded("text_embedding.0"));
        Assert.False(Fp8Conversion.IsExcluded("head"));
        Assert.False(Fp8Conversion.IsExcluded("casual_audio_encoder.encoder.conv2"));
        Assert.False(Fp8Conversion.IsExcluded("blocks.0.cross_attn.q"));
    }

    [Fact]
    public void Converting_a_model_on_the_cpu_fails_naming_the_cuda_and_libtorch_requirements_and_changes_nothing()
    {
        var before = LiveTensors.Settled();
        using (var model = new CausalWanModelS2V(DemoCheckpoint.Dit(32)))
        {
            model.Materialize(torch.CPU, ScalarType.BFloat16);

            var e = Assert.Throws<NotSupportedException>(() => Fp8Conversion.Apply(model));

            Assert.Contains("CUDA GPU with FP8 support", e.Message);
            Assert.Contains("Hopper", e.Message);
            Assert.Contains("libtorch 2.4", e.Message);
            Assert.Contains("on cpu, not a CUDA device", e.Message);
            Assert.All(Fp8Conversion.Select(model).Convert, c =>
            {
                Assert.Null(c.Layer.Fp8);
                Assert.Equal(Devices.Name(torch.CPU), Devices.Name(c.Layer.Weight.T.device));
            });
        }
        Assert.Equal(before, Tensor.TotalCount);
    }

    [Fact]
    public void Loading_with_fp8_on_the_cpu_is_refused_before_any_file_is_read()
    {
        var o = new ModelSetOptions("/nonexistent/Wan2.2-S2V-14B", torch.CPU, ScalarType.BFloat16) { Fp8 = true };

        var e = Assert.Throws<GenerationException>(() => ModelSet.Load(o));

        Assert.Equal(GenerationErrorKind.BadInput, e.Kind);
        Assert.Contains("FP8 needs a CUDA GPU", e.Message);
        // Hints name no flag or control: the CLI and the page each render the engine's words.
        Assert.Contains("without FP8", e.Hint);
        Assert.DoesNotContain("--", e.Hint);
    }
}
