namespace LiveAvatar.Engine.Generation;

/// <summary>
/// The frame arithmetic of the model (spec §5.1, §5.7): video runs at 25 fps, is denoised in blocks of 3 latents
/// (12 video frames), clips are a whole number of blocks, and the first clip loses 3 frames to the VAE's first-chunk
/// context, so N clips of F frames make N·F − 3 frames. Everything else (audio bucketing, muxing, the page's length
/// estimate) derives from these numbers.
/// </summary>
public static class VideoTiming
{
    /// <summary>Frames per second of every output (the original's sample_fps).</summary>
    public const int Fps = 25;

    /// <summary>Video frames per denoised block (3 latents × 4 frames each).</summary>
    public const int FramesPerBlock = 12;

    /// <summary>Frames the first clip drops.</summary>
    public const int DroppedFirstFrames = 3;

    /// <summary>Frames of an N-clip video: N·framesPerClip − 3 (0 for no clips).</summary>
    public static int OutputFrames(int clips, int framesPerClip) =>
        clips <= 0 || framesPerClip <= 0 ? 0 : clips * framesPerClip - DroppedFirstFrames;

    public static TimeSpan Duration(int frames) => TimeSpan.FromSeconds(frames / (double)Fps);

    public static int BlocksPerClip(int framesPerClip) => framesPerClip / FramesPerBlock;

    public static bool IsWholeBlocks(int framesPerClip) => framesPerClip > 0 && framesPerClip % FramesPerBlock == 0;
}
