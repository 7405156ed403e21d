using System.Text.Json;
using System.Text.Json.Nodes;
using LiveAvatar.Engine.Checkpoints;
using LiveAvatar.Engine.Diagnostics;
using LiveAvatar.Engine.Models.Audio;
using LiveAvatar.Engine.Models.Common;
using LiveAvatar.Engine.Models.Dit;
using LiveAvatar.Engine.Models.Text;
using LiveAvatar.Engine.Models.Vae;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Tools.Demo;

/// <summary>
/// Writes tiny random weights in exactly the real layout, so every loader and the whole pipeline run without the
/// 40 GB download: <c>DIR/Wan2.2-S2V-14B/</c> (config.json, two safetensors shards + index, umT5 and VAE `.pth`,
/// google/umt5-xxl/tokenizer.json, wav2vec2 folder) and <c>DIR/LiveAvatar/liveavatar.safetensors</c> (LoRA).
/// The marker file records the configs the real files leave implicit and labels everything untrained.
/// </summary>
public static class DemoCheckpoint
{
    public const string ModelFolder = "Wan2.2-S2V-14B";
    public const string LoraFolder = "LiveAvatar";
    public const int LoraRank = 4;
    public const double LoraAlpha = 2;

    public static DitConfig Dit(int textDim) => new()
    {
        Dim = 64, FfnDim = 128, NumHeads = 2, NumLayers = 4, TextLen = 512, TextDim = textDim, AudioDim = 32,
        AudioInjectLayers = [0, 2, 3],
    };

    public static VaeConfig Vae { get; } = new(4, 16, [1, 2, 4, 4], 2, [], [false, true, true]);

    public static Wav2Vec2Config Wav2Vec2 { get; } = new(32, 24, 2, 32, [16, 16, 16, 16, 16, 16, 16],
        [5, 2, 2, 2, 2, 2, 2], [10, 3, 3, 3, 3, 2, 2], true, 128, 16);

    /// <summary>Writes the demo under <paramref name="root"/> and returns the model folder (the --ckpt_dir).</summary>
    public static string Write(string root, ulong seed = 20260101)
    {
        var model = Path.Combine(Path.GetFullPath(root), ModelFolder);
        Directory.CreateDirectory(Path.Combine(model, "google", "umt5-xxl"));
        Directory.CreateDirectory(Path.Combine(model, CheckpointLayout.Wav2Vec2Dir));
        Directory.CreateDirectory(Path.Combine(root, LoraFolder));

        var tokenizer = DemoTokenizerJson.Build();
        File.WriteAllText(Path.Combine(model, CheckpointLayout.Tokenizer), tokenizer);
        var t5 = new T5Config(DemoTokenizerJson.VocabSize(tokenizer), 64, 64, 128, 4, 2, 32);
        var dit = Dit((int)t5.Dim);

        using (var m = new CausalWanModelS2V(dit)) WriteDit(model, m, dit, seed);
        using (var m = new WanVae(Vae)) TorchZipWriter.Write(Path.Combine(model, CheckpointLayout.Vae), DemoWeights.For(m, seed + 1, ScalarType.Float32));
        using (var m = new T5Encoder(t5)) TorchZipWriter.Write(Path.Combine(model, CheckpointLayout.T5), DemoWeights.For(m, seed + 2, ScalarType.BFloat16));
        WriteWav2Vec2(Path.Combine(model, CheckpointLayout.Wav2Vec2Dir), seed + 3);
        using (var m = new CausalWanModelS2V(dit)) WriteLora(Path.Combine(root, LoraFolder, "liveavatar.safetensors"), m, seed + 4);

        var marker = new JsonObject
        {
            ["untrained"] = true,
            ["seed"] = seed,
            ["note"] = "Tiny random weights in the real file layout, written by `liveavatar make-demo-checkpoint`. Videos made with them are noise.",
            ["vae_config"] = JsonSerializer.SerializeToNode(new { dim = Vae.Dim, z_dim = Vae.ZDim, dim_mult = Vae.DimMult, num_res_blocks = Vae.NumResBlocks, attn_scales = Vae.AttnScales, temperal_downsample = Vae.TemperalDownsample }),
            ["t5_config"] = JsonSerializer.SerializeToNode(new { vocab = t5.Vocab, dim = t5.Dim, dim_attn = t5.DimAttn, dim_ffn = t5.DimFfn, num_heads = t5.NumHeads, num_layers = t5.NumLayers, num_buckets = t5.NumBuckets }),
        };
        File.WriteAllText(Path.Combine(model, CheckpointLayout.DemoMarker), marker.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return model;
    }

    private static void WriteDit(string folder, CausalWanModelS2V m, DitConfig c, ulong seed)
    {
        var config = new JsonObject
        {
            ["_class_name"] = "WanModel_S2V", ["_diffusers_version"] = "0.35.0", ["model_type"] = "s2v",
            ["dim"] = c.Dim, ["ffn_dim"] = c.FfnDim, ["num_heads"] = c.NumHeads, ["num_layers"] = c.NumLayers,
            ["in_dim"] = c.InDim, ["out_dim"] = c.OutDim, ["cond_dim"] = c.CondDim, ["freq_dim"] = c.FreqDim,
            ["text_len"] = c.TextLen, ["text_dim"] = c.TextDim, ["audio_dim"] = c.AudioDim, ["num_audio_token"] = c.NumAudioToken,
            ["audio_inject_layers"] = new JsonArray(c.AudioInjectLayers.Select(i => (JsonNode)i).ToArray()),
            ["patch_size"] = new JsonArray(c.PatchSize.Select(i => (JsonNode)i).ToArray()),
            ["eps"] = c.Eps, ["qk_norm"] = true, ["cross_attn_norm"] = true, ["window_size"] = new JsonArray(-1, -1),
            ["enable_adain"] = true, ["adain_mode"] = "attn_norm", ["enable_framepack"] = true, ["framepack_drop_mode"] = "padd",
            ["zero_timestep"] = true, ["enable_motioner"] = false, ["add_last_motion"] = true, ["cross_attn_type"] = "t2v_cross_attn",
        };
        File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var all = DemoWeights.For(m, seed, ScalarType.BFloat16).ToList();
        var shards = new[] { all.Where(t => t.Name.StartsWith("blocks.", StringComparison.Ordinal)).ToList(),
                             all.Where(t => !t.Name.StartsWith("blocks.", StringComparison.Ordinal)).ToList() };
        var map = new JsonObject();
        long total = 0;
        for (var i = 0; i < shards.Length; i++)
        {
            var name = $"diffusion_pytorch_model-{i + 1:D5}-of-{shards.Length:D5}.safetensors";
            SafetensorsWriter.Write(Path.Combine(folder, name), shards[i], new Dictionary<string, string> { ["format"] = "pt" });
            foreach (var t in shards[i]) { map[t.Name] = name; total += t.Data.Length; }
        }
        var index = new JsonObject { ["metadata"] = new JsonObject { ["total_size"] = total }, ["weight_map"] = map };
        File.WriteAllText(Path.Combine(folder, CheckpointLayout.DitIndex), index.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private static void WriteWav2Vec2(string folder, ulong seed)
    {
        var c = Wav2Vec2;
        var config = new JsonObject
        {
            ["architectures"] = new JsonArray("Wav2Vec2ForCTC"), ["model_type"] = "wav2vec2",
            ["hidden_size"] = c.HiddenSize, ["num_hidden_layers"] = c.NumHiddenLayers, ["num_attention_heads"] = c.NumAttentionHeads,
            ["intermediate_size"] = c.IntermediateSize,
            ["conv_dim"] = new JsonArray(c.ConvDim.Select(v => (JsonNode)v).ToArray()),
            ["conv_stride"] = new JsonArray(c.ConvStride.Select(v => (JsonNode)v).ToArray()),
            ["conv_kernel"] = new JsonArray(c.ConvKernel.Select(v => (JsonNode)v).ToArray()),
            ["conv_bias"] = c.ConvBias, ["num_conv_pos_embeddings"] = c.NumConvPosEmbeddings,
            ["num_conv_pos_embedding_groups"] = c.NumConvPosEmbeddingGroups, ["layer_norm_eps"] = c.LayerNormEps,
            ["feat_extract_norm"] = "layer", ["do_stable_layer_norm"] = true, ["hidden_act"] = "gelu",
            ["feat_extract_activation"] = "gelu", ["vocab_size"] = c.VocabSize, ["transformers_version"] = "4.51.3",
        };
        File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        using var m = new Wav2Vec2Model(c);
        SafetensorsWriter.Write(Path.Combine(folder, "model.safetensors"), DemoWeights.For(m, seed, ScalarType.Float32, "wav2vec2."),
            new Dictionary<string, string> { ["format"] = "pt" });
    }

    private static void WriteLora(string path, CausalWanModelS2V m, ulong seed)
    {
        var targets = m.NamedParameters().Where(p => IsLoraTarget(p.Key)).ToList();
        var tensors = new List<(string, CheckpointDType, long[], ReadOnlyMemory<byte>)>();
        foreach (var (key, p) in targets)
        {
            using var scope = torch.NewDisposeScope();
            var module = key[..^".weight".Length];
            var a = Noise.Randn([LoraRank, p.Shape[1]], seed ^ DemoWeights.Hash(key) ^ 1) / Math.Sqrt(p.Shape[1]);
            var b = Noise.Randn([p.Shape[0], LoraRank], seed ^ DemoWeights.Hash(key) ^ 2) * 0.01;
            tensors.Add(($"{module}.lora_A.weight", CheckpointDType.BFloat16, [LoraRank, p.Shape[1]], HostArrays.Bytes(a.to(ScalarType.BFloat16))));
            tensors.Add(($"{module}.lora_B.weight", CheckpointDType.BFloat16, [p.Shape[0], LoraRank], HostArrays.Bytes(b.to(ScalarType.BFloat16))));
        }
        SafetensorsWriter.Write(path, tensors, new Dictionary<string, string>
        {
            ["lora_alpha"] = LoraAlpha.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["rank"] = LoraRank.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
    }

    /// <summary>The original's target_modules "q,k,v,o,ffn.0,ffn.2" by PEFT suffix matching.</summary>
    public static bool IsLoraTarget(string weightKey)
    {
        if (!weightKey.EndsWith(".weight", StringComparison.Ordinal)) return false;
        var module = weightKey[..^".weight".Length];
        return module.EndsWith(".ffn.0", StringComparison.Ordinal) || module.EndsWith(".ffn.2", StringComparison.Ordinal)
            || (module.StartsWith("blocks.", StringComparison.Ordinal) || module.StartsWith("audio_injector.injector.", StringComparison.Ordinal))
               && module[(module.LastIndexOf('.') + 1)..] is "q" or "k" or "v" or "o";
    }
}
