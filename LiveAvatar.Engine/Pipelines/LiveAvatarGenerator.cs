using LiveAvatar.Engine.Native;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using LiveAvatar.Engine.Diagnostics;
using LiveAvatar.Engine.Media;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Pipelines;

/// <summary>How the generator loads and where it writes.</summary>
public sealed record GeneratorOptions(string CheckpointDirectory)
{
    /// <summary>Where unnamed outputs go (the original's ./output/).</summary>
    public string OutputDirectory { get; init; } = "output";
    public MediaOptions Media { get; init; } = new();
}

/// <summary>
/// The engine's <see cref="IVideoGenerator"/>: decodes the inputs (ffmpeg), encodes prompt and audio, runs the
/// streaming sampler on a thread of its own, and turns each finished clip into an fMP4 segment and into frames of the
/// final MP4 while the next clip is being denoised. One job at a time; models stay loaded between jobs.
/// </summary>
public sealed partial class LiveAvatarGenerator(GeneratorOptions options) : IVideoGenerator, IDisposable
{
    private readonly SemaphoreSlim _gpu = new(1, 1);
    private readonly object _loadLock = new();
    private ModelSet? _models;

    // The real check runs one tiny FP8 matmul on cuda:0, so it is made once per process.

    public GeneratorOptions Options { get; } = options;

    public GeneratorInfo Info
    {
        get
        {
            var status = CheckpointLayout.Inspect(Options.CheckpointDirectory);
            var devices = MachineDevices;
            return new GeneratorInfo(status.IsDemo, status.Directory, devices, Fp8Supported(devices[^1]), _models?.Lora is { Merged: > 0 },
                OutputSizes.Keys) { ModelsLoaded = _models != null };
        }
    }

    public async IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var problems = Validate(request);
        if (problems.Count > 0)
            throw new GenerationException(GenerationErrorKind.BadInput, string.Join(" ", problems.Select(p => p.Message)), GenerationHints.BadRequest);
        await _gpu.WaitAsync(cancellationToken);
        try
        {
            var channel = Channel.CreateUnbounded<GenerationUpdate>(new UnboundedChannelOptions { SingleReader = true });
            var job = Task.Run(() => RunJobAsync(request, channel.Writer, cancellationToken), CancellationToken.None);
            await foreach (var u in channel.Reader.ReadAllAsync(CancellationToken.None)) yield return u;
            await job; // surfaces the job's exception, if any, after every update it produced
        }
        finally
        {
            _gpu.Release();
        }
    }

    /// <summary>Loads (or reloads, when the request asks for other weights) the models; the web host calls this at
    /// start-up so the first job does not pay for it.</summary>
    public ModelSet EnsureLoaded(GenerationRequest? request = null) => EnsureLoaded(request, PlanMemory(request));

    private ModelSet EnsureLoaded(GenerationRequest? request, MemoryPlan plan)
    {
        var want = ModelOptionsFor(request, plan);
        lock (_loadLock)
        {
            if (_models is not null && _models.Options == want) return _models;
            // The new set loads beside the old one: a bad LoRA or a failed load keeps the working models.
            var loaded = ModelSet.Load(want);
            var old = _models;
            _models = loaded;
            old?.Dispose();
            return _models;
        }
    }

    /// <summary>What the request's memory profile means on its DiT device now (auto reads the free memory there).</summary>
    public MemoryPlan PlanMemory(GenerationRequest? r)
    {
        var device = Devices.Parse(r?.Devices.DitDevices[0] ?? (CudaDevices.IsAvailable ? "cuda:0" : "cpu"));
        var profile = r?.MemoryProfile ?? MemoryProfile.Auto;
        var ditDevices = r?.Devices.DitDevices.Count ?? 1;
        if (device.type != DeviceType.CUDA) return MemoryPlanner.Plan(profile, null, false, ditDevices);
        return MemoryPlanner.Plan(profile, GpuMemoryOf(device), Fp8Supported(Devices.Name(device)), ditDevices, r?.OffloadKvCache ?? false);
    }

    // What this job may use: the card's free memory plus what this process already holds there (the loaded models
    // and the allocator's cache), since a reload under another plan gives that back.
    private static GpuMemory GpuMemoryOf(Device device)
    {
        if (!NativeExtension.HasCuda) return GpuMemory.Unknown(Devices.Name(device));
        var (free, total) = CudaDevices.MemoryInfo(device.index);
        return new GpuMemory(Devices.Name(device), free + CudaDevices.MemoryStats(device.index).Reserved, total);
    }

    private ModelSetOptions ModelOptionsFor(GenerationRequest? r, MemoryPlan plan)
    {
        var device = Devices.Parse(r?.Devices.DitDevices[0] ?? (CudaDevices.IsAvailable ? "cuda:0" : "cpu"));
        // bf16 is what the model ships in and runs in on GPUs; CPUs are faster and exact in fp32.
        var dtype = device.type == DeviceType.CUDA ? ScalarType.BFloat16 : ScalarType.Float32;
        return new ModelSetOptions(Options.CheckpointDirectory, device, dtype)
        {
            LoadLora = r?.LoadLora ?? true,
            LoraPath = r?.LoraPath,
            VaeDevice = r?.Devices.VaeDevice is { } v ? Devices.Parse(v) : null,
            EncodersOnCpu = ((r?.OffloadModel ?? false) || plan.EncodersOnCpu) && device.type == DeviceType.CUDA,
            Fp8 = (r?.Fp8 ?? false) || plan.Fp8Weights,
            StreamDitWeights = plan.StreamDitWeights, // the planner streams only on a GPU
            ExtraDitDevices = r?.Devices.DitDevices.Skip(1).Select(Devices.Parse).ToList() ?? [],
        };
    }

    // The real check (one tiny FP8 matmul on the device), done once: the answer cannot change while the process runs.
    private bool? _fp8Supported;
    private bool Fp8Supported(string device) => _fp8Supported ??= Models.Fp8.Fp8Conversion.MissingFor(Devices.Parse(device)) is null;

    public void Dispose()
    {
        _models?.Dispose();
        _models = null;
        _gpu.Dispose();
    }
}
