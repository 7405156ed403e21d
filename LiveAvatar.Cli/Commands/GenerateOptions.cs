using LiveAvatar.Engine.Media;
using LiveAvatar.Engine.Pipelines;

namespace LiveAvatar.Cli.Commands;

/// <summary>The original CLI's flags (s2v_streaming_interact.py) mapped onto a <see cref="GenerationRequest"/>,
/// validated up front with messages that say what to change.</summary>
public sealed record GenerateOptions(GenerationRequest Request, string CheckpointDirectory, string SaveDirectory, string? SaveFile)
{
    public static readonly IReadOnlySet<string> Flags = new HashSet<string>
    {
        "load_lora", "enable_online_decode", "offload_model", "offload_kv_cache", "fp8", "enable_vae_parallel",
    };

    /// <summary>Wan's default negative prompt (used only when guide scale &gt; 1).</summary>
    public const string DefaultNegativePrompt = NegativePrompts.WanDefault;

    public const string Usage = """
        usage: liveavatar generate --image IMG --audio WAV [options]   (flag names as in the original)
          --audio A.wav+B.wav         two speakers in one picture: one track each (needs --speaker_masks)
          --speaker_masks L.png,R.png one mask per speaker at the picture's size, white where that person is
                                      (the original finds them with SAM2; here they are drawn)
          --pose_video FILE           a rendered pose video (DWPose skeletons) that drives body motion
          --ckpt_dir DIR              Wan2.2-S2V-14B folder (default ckpt/Wan2.2-S2V-14B or $LIVEAVATAR_CKPT_DIR)
          --load_lora [true|false]    merge the Live Avatar LoRA (default true)
          --lora_path_dmd PATH        liveavatar.safetensors (default ckpt/LiveAvatar/liveavatar.safetensors)
          --prompt TEXT               what the scene looks like
          --size KEY                  704*384 (default), 720*400, 688*368, 384*256, 480*832, 832*480, 720*1280, ...
          --num_clip N                clips of infer_frames frames (default: all the audio allows)
          --sample_steps N            1-4 (default 4)
          --sample_guide_scale G      <= 1: one forward per step (the original). > 1: real classifier-free guidance
                                      with the negative prompt: twice the DiT work and a second set of KV caches
          --infer_frames N            frames per clip, a multiple of 12 (default 48)
          --base_seed N               noise seed; -1 picks one at random (default 420)
          --sample_solver euler       the only solver (as in the original)
          --enable_online_decode      decode each clip as it finishes; adaptive sink after clip 0
          --offload_model [true|false]   keep idle models on the CPU (single device)
          --offload_kv_cache [true|false] keep the per-step KV caches on the CPU (single device)
          --fp8                       FP8 (E4M3) linear layers; needs CUDA and libtorch >= 2.4
          --num_gpus_dit N            devices running the DiT (step i on device i); 1 = single device
          --enable_vae_parallel       decode on a device of its own (device N)
          --device D                  cpu or cuda:N for a single-device run (default cuda:0 if present, else cpu)
          --save_dir DIR              output folder (default ./output/)
          --save_file PATH            output file (default: {time}_{steps}step_{prompt}.mp4 in save_dir)
        """;

    public static GenerateOptions Parse(string[] args, int cudaDevices, Func<DateTime>? now = null)
    {
        var a = new ArgReader(args, Flags);
        var problems = new List<string>();
        var image = a.String("image");
        var audio = a.String("audio");
        if (string.IsNullOrWhiteSpace(image)) problems.Add("--image is required (a portrait: jpg, png, webp, ...)");
        else if (!File.Exists(image)) problems.Add($"--image {image}: no such file");
        string? secondAudio = null;
        if (string.IsNullOrWhiteSpace(audio)) problems.Add("--audio is required (wav, mp3, flac, ogg, m4a)");
        else if (!File.Exists(audio) && audio.Contains('+', StringComparison.Ordinal))
        {
            // The original's a+b form; a file whose own name holds '+' is taken as is (checked above).
            var parts = audio.Split('+');
            if (parts.Length != 2 || parts.Any(string.IsNullOrWhiteSpace))
                problems.Add($"--audio {audio}: two speakers are written A.wav+B.wav (exactly two tracks)");
            else
            {
                foreach (var part in parts.Where(x => !File.Exists(x))) problems.Add($"--audio {part}: no such file");
                (audio, secondAudio) = (parts[0], parts[1]);
            }
        }
        else if (!File.Exists(audio)) problems.Add($"--audio {audio}: no such file");
        var maskArg = a.String("speaker_masks");
        IReadOnlyList<string>? masks = maskArg?.Split(',', StringSplitOptions.TrimEntries);
        if (masks is not null)
        {
            if (secondAudio is null) problems.Add("--speaker_masks needs two audio tracks (--audio A.wav+B.wav)");
            else if (masks.Count != 2) problems.Add($"--speaker_masks has {masks.Count} files for 2 speakers: give L.png,R.png (one per track, in --audio order)");
            foreach (var m in masks.Where(m => m.Length == 0 || !File.Exists(m))) problems.Add($"--speaker_masks {m}: no such file");
        }
        else if (secondAudio is not null) problems.Add("two speakers need --speaker_masks L.png,R.png: one mask per speaker, white where that person is");
        var poseVideo = a.String("pose_video");
        if (poseVideo is not null && !File.Exists(poseVideo)) problems.Add($"--pose_video {poseVideo}: no such file");
        var size = a.String("size") ?? "704*384";
        if (!GenerationSize.SupportedKeys.Contains(size))
            problems.Add($"--size {size} is not supported; use one of {string.Join(", ", GenerationSize.SupportedKeys)}");
        var steps = a.Int("sample_steps", 4);
        if (steps is < 1 or > 4) problems.Add($"--sample_steps {steps}: use 1 to 4 (the distilled model is trained for 4)");
        var frames = a.Int("infer_frames", 48);
        if (frames <= 0 || frames % 12 != 0)
            problems.Add($"--infer_frames {frames}: use a positive multiple of 12 (e.g. 48); other values leave latents undenoised");
        int? numClip = a.String("num_clip") is null ? null : a.Int("num_clip", 1);
        if (numClip is < 1) problems.Add($"--num_clip {numClip}: use 1 or more");
        var guide = a.Double("sample_guide_scale", 0);
        if (guide < 0) problems.Add($"--sample_guide_scale {guide}: use 0 (no guidance) or a positive scale");
        var solver = a.String("sample_solver") ?? "euler";
        if (solver != "euler") problems.Add($"--sample_solver {solver}: only euler is implemented (as in the original)");
        var seed = a.Long("base_seed", 420);
        if (seed < -1) problems.Add($"--base_seed {seed}: use -1 (random) or a non-negative seed");
        if (seed == -1) seed = Random.Shared.NextInt64(0, int.MaxValue);
        var gpus = a.Int("num_gpus_dit", 1);
        var vaeParallel = a.Flag("enable_vae_parallel");
        var device = a.String("device");
        DevicePlan plan;
        if (gpus < 1) { problems.Add($"--num_gpus_dit {gpus}: use 1 or more"); plan = DevicePlan.Single(); }
        else if (gpus > 1 || vaeParallel)
        {
            var need = gpus + (vaeParallel ? 1 : 0);
            if (need > cudaDevices)
                problems.Add($"--num_gpus_dit {gpus}{(vaeParallel ? " with --enable_vae_parallel" : "")} needs {need} CUDA devices, this machine has {cudaDevices}");
            if (gpus > steps) problems.Add($"--num_gpus_dit {gpus} exceeds --sample_steps {steps}: each DiT device runs at least one step");
            plan = new DevicePlan(Enumerable.Range(0, gpus).Select(i => $"cuda:{i}").ToList(), vaeParallel ? $"cuda:{gpus}" : null);
        }
        else plan = DevicePlan.Single(device ?? (cudaDevices > 0 ? "cuda:0" : "cpu"));
        var ckpt = a.String("ckpt_dir") ?? Environment.GetEnvironmentVariable("LIVEAVATAR_CKPT_DIR") ?? "ckpt/Wan2.2-S2V-14B";
        var prompt = a.String("prompt") ?? "";
        var request = new GenerationRequest
        {
            ImagePath = image ?? "",
            AudioPath = audio ?? "",
            SecondAudioPath = secondAudio,
            SpeakerMaskPaths = masks,
            PoseVideoPath = poseVideo,
            Prompt = prompt,
            Size = size,
            NumClip = numClip,
            SampleSteps = steps,
            GuideScale = guide,
            NegativePrompt = guide > 1 ? DefaultNegativePrompt : null,
            InferFrames = frames,
            Seed = seed,
            Solver = solver,
            OnlineDecode = a.Flag("enable_online_decode"),
            OffloadModel = a.FlagOrNull("offload_model") ?? false,
            OffloadKvCache = a.Flag("offload_kv_cache"),
            Fp8 = a.Flag("fp8"),
            LoadLora = a.FlagOrNull("load_lora") ?? true,
            LoraPath = a.String("lora_path_dmd"),
            Devices = plan,
        };
        if (plan.DitDevices.Count > 1 && (request.OffloadModel || request.OffloadKvCache))
            problems.Add("--offload_model / --offload_kv_cache apply to a single device; drop them with --num_gpus_dit > 1");
        var saveDir = a.String("save_dir") ?? "./output/";
        var saveFile = a.String("save_file");
        a.RejectUnknown();
        if (problems.Count > 0) throw new ArgumentException(string.Join(Environment.NewLine, problems));
        var output = saveFile ?? Path.Combine(saveDir, DefaultFileName(steps, prompt, (now ?? (() => DateTime.Now))()));
        return new GenerateOptions(request with { OutputPath = output }, ckpt, saveDir, saveFile);
    }

    /// <summary>The original's name for an unnamed output (see <see cref="OutputNames.Default"/>).</summary>
    public static string DefaultFileName(int steps, string prompt, DateTime at) => OutputNames.Default(steps, prompt, at);
}
