using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Pipelines.Core;

/// <summary>
/// The single-GPU decode context: the last 5·motion_frames pixel frames (initially the 5×-repeated reference
/// repeated motion_frames times) and their VAE latents. Each clip is decoded as [history latents | clip latents],
/// keeping the last InferFrames frames; the newest min(motion_frames, n) frames then replace the oldest history
/// frames and the history is re-encoded. This is exactly the original's deferred decode, done per clip.
/// </summary>
internal sealed class MotionHistory : IDisposable
{
    private readonly IClipVae _vae;
    private readonly ClipGeometry _geometry;
    private Tensor _frames;   // [3, 5·motion, H, W], VAE dtype and device
    private Tensor _latents;  // [16, ⌈5·motion/4⌉, h, w] float32

    /// <param name="ref5">The reference repeated 5×, [3, 5, H, W].</param>
    public MotionHistory(IClipVae vae, ClipGeometry geometry, Tensor ref5)
    {
        _vae = vae;
        _geometry = geometry;
        using var scope = torch.NewDisposeScope();
        _frames = ref5.to(vae.DType, vae.Device).repeat(1, geometry.MotionFrames, 1, 1).DetachFromDisposeScope();
        _latents = vae.Encode(_frames).DetachFromDisposeScope();
    }

    /// <summary>Motion latents [16, Tm, h, w] float32 (the prefill's FramePack reads the last 19).</summary>
    public Tensor Latents => _latents;

    /// <summary>clip latents [16, F, h, w] → the frames this clip adds, [3, T, H, W] float32 (caller owns).</summary>
    public Tensor DecodeClip(Tensor clipLatents, bool firstClip, bool updateHistory)
    {
        using var scope = torch.NewDisposeScope();
        var all = torch.cat([_latents, clipLatents.to(ScalarType.Float32, _latents.device)], 1);
        var decoded = _vae.Decode(all);                                                  // [3, T_all, H, W]
        var keep = _geometry.InferFrames - (firstClip ? ClipGeometry.DroppedFirstFrames : 0);
        var image = decoded.narrow(1, decoded.shape[1] - keep, keep).contiguous();
        if (updateHistory)
        {
            var overlap = Math.Min(_geometry.MotionFrames, (int)image.shape[1]);
            var kept = _frames.narrow(1, overlap, _frames.shape[1] - overlap);
            var fresh = image.narrow(1, image.shape[1] - overlap, overlap).to(_vae.DType, _vae.Device);
            var frames = torch.cat([kept, fresh], 1).DetachFromDisposeScope();
            _frames.Dispose();
            _frames = frames;
            var latents = _vae.Encode(_frames).DetachFromDisposeScope();
            _latents.Dispose();
            _latents = latents;
        }
        return image.DetachFromDisposeScope();
    }

    public void Dispose()
    {
        _frames.Dispose();
        _latents.Dispose();
    }
}
