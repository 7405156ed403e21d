using LiveAvatar.Engine.Pipelines;

namespace LiveAvatar.Cli.Commands;

/// <summary>The original CLI's flags (s2v_streaming_interact.py) mapped onto a <see cref="GenerationRequest"/>,
/// validated up front with messages that say what to change.</summary>
public sealed record GenerateOptions(GenerationRequest Request, string CheckpointDirectory, string SaveDirectory, string? SaveFile)
{
    public static readonly IReadOnlySet<string> Flags = new HashSet<string>
    {
        "load_lora", "enable_online_decode", "offload_model", "offload_kv_cache", "fp8", "enable_vae_parallel", "original_loop",
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
          --prompt TEXT               what the person and the scene look like (default: the original's anchorwoman)
          --size KEY                  704*384 (default), 720*400, 688*368, 384*256, 480*832, 832*480, 720*1280, ...
          --num_clip N                clips of infer_frames frames (default: all the audio allows)
          --sample_steps N            1-4 (default 4)
          --sample_guide_scale G      0-10. <= 1: one forward per step (the original). > 1: real classifier-free guidance
                                      with the negative prompt: twice the DiT work and a second set of KV caches
          --infer_frames N            frames per clip, a multiple of 12 from 12 to 156 (default 48)
          --base_seed N               noise seed, 0 to 2147483647; -1 picks one at random (default 420)
          --sample_solver euler       the only solver (as in the original)
          --enable_online_decode      original loop only: decode each clip as it finishes; adaptive sink after clip 0
          --original_loop             the original's single-GPU loop: denoise a whole clip, then decode it. The
                                      default is block streaming (its timestep-forcing pipeline, on one GPU too):
                                      each 12-frame block is decoded as soon as it is clean, about twice the frame
                                      rate and the first frames within seconds. Guidance > 1 always uses the
                                      original loop
          --offload_model [true|false]   keep idle models on the CPU (single device)
          --offload_kv_cache [true|false] keep the per-step KV caches on the CPU, in bf16 (single device; also the
                                      way to keep bf16 rings under the 24 and 48 GB profiles, which use 8-bit ones)
          --fp8                       FP8 (E4M3) linear layers; needs CUDA and libtorch >= 2.4
          --memory_profile P          GPU memory budget: auto (default), 24, 48 or 80 (GB). auto picks from the free
                                      memory of the GPU and the job log says what it picked.
                                        24: FP8 weights streamed from host memory, 8-bit KV cache in host memory,
                                            encoders on the CPU (needs about 42 GiB of host RAM); 48: FP8 weights and
                                            8-bit KV cache resident; 80: everything resident (block streaming)
          --num_gpus_dit N            devices running the DiT (step i on device i); 1 = single device
          --enable_vae_parallel       decode on a device of its own (device N)
          --device D                  cpu or cuda:N for a single-device run (default cuda:0 if present, else cpu)
          --save_dir DIR              output folder (default ./output/)
          --save_file PATH            output file (default: {time}_{steps}step_{prompt}.mp4 in save_dir)
        """;

    public static GenerateOptions Parse(string[] args, int cudaDevices, Func<DateTime>? now = null)
    {
        var a = new ArgReader(args, Flags);
        // The original's two-speaker form --audio A.wav+B.wav; a file whose own name holds '+' is taken as is.
        var audio = a.String("audio");
        string? secondAudio = null;
        if (audio is not null && !File.Exists(audio) && audio.Split('+') is [var firstTrack, var secondTrack]
            && firstTrack.Length > 0 && secondTrack.Length > 0)
            (audio, secondAudio) = (firstTrack, secondTrack);
        IReadOnlyList<string>? masks = a.String("speaker_masks")?.Split(',', StringSplitOptions.TrimEntries);
        var poseVideo = a.String("pose_video");
        int? numClip = a.String("num_clip") is null ? null : a.Int("num_clip", 1);
        var guide = a.Double("sample_guide_scale", GenerationDefaults.GuideScale);
        var seed = a.Long("base_seed", GenerationDefaults.Seed);
        // The original's convention: -1 picks a seed at random.
        if (seed == -1) seed = GenerationLimits.RandomSeed(Random.Shared);
        var steps = a.Int("sample_steps", GenerationDefaults.SampleSteps);
        var gpus = a.Int("num_gpus_dit", 1);
        var flagProblems = new List<string>();
        if (gpus < 1) flagProblems.Add($"--num_gpus_dit {gpus}: use 1 or more");
        flagProblems.AddRange(ConditioningFlagProblems(a.String("audio"), secondAudio, masks, poseVideo));
        var plan = DevicePlanner.FromCounts(gpus, a.Flag("enable_vae_parallel"), a.String("device"), cudaDevices);
        var ckpt = a.String("ckpt_dir") ?? Environment.GetEnvironmentVariable("LIVEAVATAR_CKPT_DIR") ?? "ckpt/Wan2.2-S2V-14B";
        var prompt = a.String("prompt") ?? GenerationDefaults.Prompt;
        var profileText = a.String("memory_profile");
        if (!MemoryProfiles.TryParse(profileText, out var memoryProfile))
            flagProblems.Add($"--memory_profile {profileText}: use {string.Join(", ", MemoryProfiles.Names)}");
        var request = new GenerationRequest
        {
            ImagePath = a.String("image") ?? "",
            AudioPath = audio ?? "",
            SecondAudioPath = secondAudio,
            SpeakerMaskPaths = masks,
            PoseVideoPath = poseVideo,
            Prompt = prompt,
            Size = a.String("size") ?? GenerationDefaults.Size,
            NumClip = numClip,
            SampleSteps = steps,
            GuideScale = guide,
            NegativePrompt = GenerationLimits.UsesGuidance(guide) ? DefaultNegativePrompt : null,
            InferFrames = a.Int("infer_frames", GenerationDefaults.InferFrames),
            Seed = seed,
            Solver = a.String("sample_solver") ?? GenerationDefaults.Solver,
            OnlineDecode = a.Flag("enable_online_decode"),
            OffloadModel = a.FlagOrNull("offload_model") ?? false,
            OffloadKvCache = a.Flag("offload_kv_cache"),
            OriginalLoop = a.Flag("original_loop"),
            Fp8 = a.Flag("fp8"),
            MemoryProfile = memoryProfile,
            LoadLora = a.FlagOrNull("load_lora") ?? GenerationDefaults.LoadLora,
            LoraPath = a.String("lora_path_dmd"),
            Devices = plan,
        };
        var saveDir = a.String("save_dir") ?? "./output/";
        var saveFile = a.String("save_file");
        a.RejectUnknown();
        // FP8 is checked by the generator, which has libtorch loaded; everything else is known here.
        var problems = flagProblems.Concat(CliProblems.Describe(GenerationValidator.Validate(request, new DeviceFacts(cudaDevices)))).ToList();
        if (problems.Count > 0) throw new ArgumentException(string.Join(Environment.NewLine, problems));
        var output = saveFile ?? Path.Combine(saveDir, DefaultFileName(steps, prompt, (now ?? (() => DateTime.Now))()));
        return new GenerateOptions(request with { OutputPath = output }, ckpt, saveDir, saveFile);
    }

    /// <summary>The original's name for an unnamed output (see <see cref="OutputNames.Default"/>).</summary>
    public static string DefaultFileName(int steps, string prompt, DateTime at) => OutputNames.Default(steps, prompt, at);

    // The conditioning flags' own spelling rules (the engine checks the files' contents later).
    private static IEnumerable<string> ConditioningFlagProblems(string? audioFlag, string? secondAudio, IReadOnlyList<string>? masks, string? poseVideo)
    {
        if (audioFlag is not null && !File.Exists(audioFlag) && audioFlag.Contains('+', StringComparison.Ordinal) && secondAudio is null)
            yield return $"--audio {audioFlag}: two speakers are written A.wav+B.wav (exactly two tracks)";
        if (masks is not null)
        {
            if (secondAudio is null) yield return "--speaker_masks needs two audio tracks (--audio A.wav+B.wav)";
            else if (masks.Count != 2) yield return $"--speaker_masks has {masks.Count} files for 2 speakers: give L.png,R.png (one per track, in --audio order)";
            foreach (var m in masks.Where(m => m.Length == 0 || !File.Exists(m))) yield return $"--speaker_masks {m}: no such file";
        }
        else if (secondAudio is not null) yield return "two speakers need --speaker_masks L.png,R.png: one mask per speaker, white where that person is";
        if (poseVideo is not null && !File.Exists(poseVideo)) yield return $"--pose_video {poseVideo}: no such file";
    }
}
