namespace LiveAvatar.Engine.Pipelines.Core;

/// <summary>
/// Frame accounting of the single-GPU generate loop (spec §5.1): a clip of InferFrames video frames is
/// (InferFrames + 3 + motion)/4 − ⌈motion/4⌉ latent frames, denoised in blocks of 3 latents (12 video frames).
/// </summary>
public sealed record ClipGeometry(int InferFrames, int MotionFrames, int LatentH, int LatentW)
{
    public const int FramesPerBlock = 3;
    public const int VideoFramesPerLatent = 4;

    /// <summary>Frames the first clip loses (the VAE's first-chunk frames of the motion context).</summary>
    public const int DroppedFirstFrames = 3;

    /// <summary>Pixel frames of the motion history: the 5×-repeated reference repeated motion_frames times more.</summary>
    public const int RefRepeat = 5;

    public int LatentMotionFrames => (MotionFrames + 3) / 4;
    public int LatentFrames => (InferFrames + 3 + MotionFrames) / 4 - LatentMotionFrames;
    public int Blocks => LatentFrames / FramesPerBlock;
    public int BlockVideoFrames => FramesPerBlock * VideoFramesPerLatent;
    public int HistoryFrames => RefRepeat * MotionFrames;

    /// <summary>Tokens per latent frame after the 2×2 patchify (frame_seq_length).</summary>
    public int FrameSeqLen => LatentH / 2 * (LatentW / 2);

    /// <summary>Global latent index of a block (F0 = latT·clip + 3·block); the DiT's current_start is F0·fsl.</summary>
    public int BlockStartFrame(int clip, int block) => LatentFrames * clip + FramesPerBlock * block;

    public static ClipGeometry For(SamplerInputs inputs)
    {
        if (inputs.InferFrames <= 0 || inputs.InferFrames % (FramesPerBlock * VideoFramesPerLatent) != 0)
            throw new ArgumentException($"infer_frames must be a positive multiple of 12 (3 latents per block); got {inputs.InferFrames}");
        if (inputs.MotionFrames < 1) throw new ArgumentException($"motion_frames must be ≥ 1; got {inputs.MotionFrames}");
        var s = inputs.RefPixels.shape;
        if (s.Length != 4 || s[0] != 3 || s[1] != 1)
            throw new ArgumentException($"RefPixels must be [3, 1, H, W]; got [{string.Join(", ", s)}]");
        if (s[2] % 16 != 0 || s[3] % 16 != 0)
            throw new ArgumentException($"H and W must be multiples of 16; got {s[2]}×{s[3]}");
        var g = new ClipGeometry(inputs.InferFrames, inputs.MotionFrames, (int)s[2] / 8, (int)s[3] / 8);
        if (g.LatentFrames % FramesPerBlock != 0)
            throw new ArgumentException($"{g.LatentFrames} latent frames per clip do not split into blocks of 3");
        return g;
    }
}
