using LiveAvatar.Engine.Checkpoints;
using LiveAvatar.Engine.Models.Common;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Models.Vae;

/// <summary>
/// Wan2_1_VAE: the model plus the per-channel latent normalisation, in one dtype (float32, or bfloat16 as the
/// LiveAvatar pipelines run it) on one device. Takes and returns single videos [3, T, H, W] and latents
/// [C, F, H/8, W/8] in float32. Normalisation keeps the original's scale = [mean, 1/std] arithmetic:
/// encode (mu − mean)·(1/std), decode z / (1/std) + mean.
/// </summary>
public sealed class Wan21Vae : IDisposable
{
    private readonly Tensor _mean;
    private readonly Tensor _invStd;
    private readonly Dictionary<(bool Decode, long H, long W), int> _tunedCalls = [];

    /// <summary>Calls per direction and size that run with cuDNN's autotuner (<see cref="Native.CudnnTuning.Vae"/>):
    /// the first covers the first-chunk shapes, the second those of every later chunk.</summary>
    private const int TunedCallsPerSize = 2;

    public WanVae Model { get; }
    public Device Device { get; }
    public ScalarType DType { get; }
    public VaeConfig Config => Model.Config;

    /// <summary>Wraps an already loaded model; <paramref name="mean"/>/<paramref name="std"/> default to the
    /// hard-coded Wan2.1 tables. Takes ownership of the model.</summary>
    public Wan21Vae(WanVae model, Device device, ScalarType dtype, IReadOnlyList<double>? mean = null, IReadOnlyList<double>? std = null)
    {
        Model = model;
        if (device.type == DeviceType.CUDA) Native.CudnnAutotune.EnsureConfigured();
        Device = device;
        DType = dtype;
        mean ??= Wan21LatentStats.Mean;
        std ??= Wan21LatentStats.Std;
        var z = model.Config.ZDim;
        if (mean.Count != z || std.Count != z)
            throw new ArgumentException($"latent mean/std need {z} values (z_dim); got {mean.Count} and {std.Count}");
        using var scope = torch.NewDisposeScope();
        _mean = torch.tensor(mean.ToArray(), [1, z, 1, 1, 1], dtype, device).DetachFromDisposeScope();
        var stdT = torch.tensor(std.ToArray(), [1, z, 1, 1, 1], dtype, device);
        _invStd = (1.0 / stdT).DetachFromDisposeScope();
    }

    /// <summary>Loads Wan2.1_VAE.pth (or any checkpoint with WanVAE_ keys) into a model of <paramref name="config"/>
    /// (default <see cref="VaeConfig.Wan21"/>).</summary>
    public static Wan21Vae Load(string path, Device device, ScalarType dtype, VaeConfig? config = null)
    {
        using var reader = CheckpointReader.Open(path);
        return Load(reader, device, dtype, config);
    }

    public static Wan21Vae Load(ICheckpointReader reader, Device device, ScalarType dtype, VaeConfig? config = null,
        IReadOnlyList<double>? mean = null, IReadOnlyList<double>? std = null)
    {
        var model = Module.LoadOrDispose(new WanVae(config ?? VaeConfig.Wan21), m => m.Load(reader, device, dtype));
        try
        {
            return new Wan21Vae(model, device, dtype, mean, std);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>video [3, T, H, W] in [−1, 1] → normalised mean latents [C, 1+(T−1)/4, H/8, W/8], float32.</summary>
    public Tensor Encode(Tensor video, VaeEncodeTrace? trace = null)
    {
        if (video.ndim != 4 || video.shape[0] != 3 || video.shape[1] < 1)
            throw new ArgumentException($"video must be [3, T, H, W] with T ≥ 1; got {Shapes.Describe(video.shape)}", nameof(video));
        using var scope = torch.NewDisposeScope();
        var x = video.to(DType, Device).unsqueeze(0);
        using var tuning = TuningFor(decode: false, video.shape[2], video.shape[3]);
        var moments = Model.EncodeMoments(x, trace);                         // [1, 2C, F, h, w]
        var mu = moments.narrow(1, 0, Config.ZDim);
        var latents = ((mu - _mean) * _invStd).to(ScalarType.Float32).squeeze(0);
        return latents.MoveToOuterDisposeScope();
    }

    /// <summary>latents [C, F, H, W] (normalised) → video [3, 1+4(F−1), 8H, 8W] clamped to [−1, 1], float32.</summary>
    public Tensor Decode(Tensor latents)
    {
        using var cache = new FeatureCache();
        return DecodeWith(latents, cache);
    }

    /// <summary>A decoder whose feature cache lives across calls (stream_decode).</summary>
    public VaeStreamDecoder CreateStreamDecoder() => new(this);

    internal Tensor DecodeWith(Tensor latents, FeatureCache cache)
    {
        CheckLatents(latents);
        using var scope = torch.NewDisposeScope();
        var z = latents.to(DType, Device).unsqueeze(0) / _invStd + _mean;    // [1, C, F, H, W]
        using var tuning = TuningFor(decode: true, latents.shape[2], latents.shape[3]);
        var video = Model.Decode(z, cache).to(ScalarType.Float32).clamp(-1, 1).squeeze(0);
        return video.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// On a GPU, runs a picture encode, a motion encode and a streaming decode of zeros at <paramref name="height"/> ×
    /// <paramref name="width"/> once, so that cuDNN's autotuner (<see cref="Native.CudnnTuning.Vae"/>) has timed this
    /// size's convolutions before a request needs them: otherwise the first job at a size spends 1–3 s of its first
    /// block on it. Does nothing on the CPU or once the size has been tuned.
    /// </summary>
    public void Warm(int height, int width)
    {
        if (Device.type != DeviceType.CUDA) return;
        lock (_tunedCalls)
        {
            if (_tunedCalls.GetValueOrDefault((false, height, width)) >= TunedCallsPerSize
                && _tunedCalls.GetValueOrDefault((true, height / 8, width / 8)) >= TunedCallsPerSize) return;
        }
        using var scope = torch.NewDisposeScope();
        // The same chunk shapes as a job's: a one-frame picture, then a first chunk and a four-frame chunk.
        _ = Encode(torch.zeros([3, 1, height, width], ScalarType.Float32, Device));
        _ = Encode(torch.zeros([3, 5, height, width], ScalarType.Float32, Device));
        using var stream = CreateStreamDecoder();
        _ = stream.Decode(torch.zeros([Config.ZDim, 1, height / 8, width / 8], ScalarType.Float32, Device));
        _ = stream.Decode(torch.zeros([Config.ZDim, 3, height / 8, width / 8], ScalarType.Float32, Device));
    }

    // The autotuner for this call when it is one of the first at its size on a GPU; null otherwise.
    private IDisposable? TuningFor(bool decode, long h, long w)
    {
        if (Device.type != DeviceType.CUDA) return null;
        lock (_tunedCalls)
        {
            var calls = _tunedCalls.GetValueOrDefault((decode, h, w));
            if (calls >= TunedCallsPerSize) return null;
            _tunedCalls[(decode, h, w)] = calls + 1;
        }
        return Native.CudnnAutotune.TuneScope();
    }

    internal void CheckLatents(Tensor latents)
    {
        var s = latents.shape;
        if (s.Length != 4 || s[0] != Config.ZDim || s[1] < 1)
            throw new ArgumentException(
                $"latents must be [{Config.ZDim}, F, H, W] (z_dim {Config.ZDim} channels, F ≥ 1); got {Shapes.Describe(s)}", nameof(latents));
    }

    public void Dispose()
    {
        Model.Dispose();
        _mean.Dispose();
        _invStd.Dispose();
    }
}
