using LiveAvatar.Engine.Media;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace LiveAvatar.Engine.Pipelines.Core;

/// <summary>
/// The original's load_pose_cond: the first clips·infer_frames frames of the pose video (see
/// <see cref="PoseVideoReader"/>), each mapped to [−1, 1], resized so its short side is min(H, W) (torchvision's
/// tensor Resize: bilinear, antialiased) and centre-cropped to H×W (zero-padded where the frame is smaller), the
/// rest padded with −1 frames; per clip the first frame is prepended, the clip VAE-encoded and its first latent
/// dropped. Clip r then conditions on latents r. Each clip is encoded as soon as its frames are in, so only one
/// clip of pixels is held at a time.
/// </summary>
internal static class PoseConditioning
{
    // → per clip [16, infer_frames/4, H/8, W/8] float32 on the CPU
    public static IReadOnlyList<Tensor> Encode(PoseVideoInfo video, int clips, int inferFrames, int height, int width,
        IClipVae vae, MediaOptions options, CancellationToken ct)
    {
        var latents = new List<Tensor>(clips);
        var pixels = torch.full([3, inferFrames, height, width], -1f, ScalarType.Float32);
        try
        {
            var filled = 0;
            foreach (var rgb in PoseVideoReader.ReadFramesAsync(video, clips * inferFrames, options, ct).ToBlockingEnumerable(ct))
            {
                using (var scope = torch.NewDisposeScope())
                    pixels.select(1, filled % inferFrames).copy_(Frame(rgb, video.Width, video.Height, height, width));
                if (++filled % inferFrames == 0) FlushClip(latents, pixels, vae);
            }
            // The frames the video lacks stay −1 (the original pads with −torch.ones), whole clips included.
            while (latents.Count < clips) FlushClip(latents, pixels, vae);
            return latents;
        }
        catch
        {
            foreach (var l in latents) l.Dispose();
            throw;
        }
        finally
        {
            pixels.Dispose();
        }
    }

    private static void FlushClip(List<Tensor> latents, Tensor pixels, IClipVae vae)
    {
        using (var scope = torch.NewDisposeScope())
        {
            var clip = torch.cat([pixels.narrow(1, 0, 1), pixels], 1).to(vae.DType, vae.Device); // [3, 1+F, H, W]
            var encoded = vae.Encode(clip);                                                       // [16, 1+F/4, h, w]
            latents.Add(encoded.narrow(1, 1, encoded.shape[1] - 1).to(ScalarType.Float32, torch.CPU, copy: true).DetachFromDisposeScope());
        }
        pixels.fill_(-1f);
    }

    // RGB24 [h, w, 3] → [3, H, W] float32: /255·2−1, short side → min(H, W), centre crop (zero pad) to H×W
    internal static Tensor Frame(byte[] rgb, int srcW, int srcH, int height, int width)
    {
        var t = torch.tensor(rgb, [srcH, srcW, 3]).permute(2, 0, 1).unsqueeze(0).to(ScalarType.Float32) / 255.0 * 2 - 1.0;
        var (resW, resH) = ReferenceImageLoader.ResizedSize(srcW, srcH, Math.Min(height, width));
        if (resW != srcW || resH != srcH)
            t = F.interpolate(t, size: [resH, resW], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
        return CenterCropOrPad(t, height, width).squeeze(0);
    }

    // torchvision center_crop: pad with zeros (left/top get the smaller half) when the crop is larger, then crop
    // at round((size − crop) / 2) with Python's half-to-even rounding.
    private static Tensor CenterCropOrPad(Tensor t, int height, int width)
    {
        long h = t.shape[2], w = t.shape[3];
        if (width > w || height > h)
        {
            long padW = Math.Max(0, width - w), padH = Math.Max(0, height - h);
            t = F.pad(t, [padW / 2, (padW + 1) / 2, padH / 2, (padH + 1) / 2], PaddingModes.Constant, 0);
            h = t.shape[2];
            w = t.shape[3];
        }
        var top = (long)Math.Round((h - height) / 2.0, MidpointRounding.ToEven);
        var left = (long)Math.Round((w - width) / 2.0, MidpointRounding.ToEven);
        return t.narrow(2, top, height).narrow(3, left, width);
    }
}
