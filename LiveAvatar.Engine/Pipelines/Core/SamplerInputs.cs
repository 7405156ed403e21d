using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;
using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Pipelines.Core;

/// <summary>
/// Everything one generation needs besides the models. The caller keeps ownership of the tensors; the sampler
/// only reads them. <see cref="MotionFrames"/> is the pipeline's motion_frames (73): the pixel history that
/// conditions decoding and the audio window's prepend length. <see cref="GuideScale"/> ≤ 1 is the original's
/// behaviour (one conditional forward per step, the scale ignored); above 1 every step also runs an unconditional
/// forward on <see cref="NegativeContext"/> and mixes the two velocities (classifier-free guidance).
/// With <see cref="BlockAudio"/> set (live audio, <see cref="PipelineSampler"/> only) the audio is not known up front:
/// <see cref="AudioEmbedding"/> then only gives the layout [S, layers, A, any T] and every block's own
/// [S, layers, A, 12] comes from the callback.
/// </summary>
public sealed record SamplerInputs(
    Tensor RefPixels,        // [3, 1, H, W] float in [−1, 1], the preprocessed reference image
    Tensor Context,          // [L, text_dim] T5 output trimmed to its real length (the DiT pads)
    Tensor AudioEmbedding,   // [S, layers, A, T] DiT audio layout (S speakers), T ≥ Clips·InferFrames
    int Clips,
    int InferFrames,
    int Steps,
    bool OnlineDecode,
    bool Norm3Bf16,
    int MotionFrames = SamplerInputs.DefaultMotionFrames,
    Tensor? NegativeContext = null, // [L', text_dim] trimmed T5 output of the negative prompt; needed when GuideScale > 1
    double GuideScale = 0,
    IReadOnlyList<Tensor>? PoseLatents = null, // per clip [16, F_clip, h, w] (load_pose_cond); null = zero pose
    Tensor? SpeakerMask = null,               // [S, F_clip, Hp, Wp, 1] exclusive routing mask; needed when S > 1
    BlockAudioSource? BlockAudio = null,      // live input: each block's audio asked for when stage 0 starts it
    SinkLatentCache? SinkCache = null)        // PipelineSampler: reuse the reference encodes of the previous run's picture
{
    /// <summary>The pipeline's motion_frames: the pixel history the motion latents are made of.</summary>
    public const int DefaultMotionFrames = 73;

    /// <summary>Pose latents for every clip; a mask for every speaker when there are several.</summary>
    internal void ValidateConditioning()
    {
        var speakers = AudioEmbedding.shape[0];
        if (speakers > 1 && SpeakerMask is null)
            throw new ArgumentException($"AudioEmbedding holds {speakers} speakers but no SpeakerMask was given");
        if (SpeakerMask is { } m && (m.ndim != 5 || m.shape[0] != speakers))
            throw new ArgumentException($"SpeakerMask must be [{speakers}, F, Hp, Wp, 1]; got [{string.Join(", ", m.shape)}]");
        if (PoseLatents is { } pose && pose.Count < Clips)
            throw new ArgumentException($"PoseLatents has {pose.Count} clips, {Clips} are generated");
    }

    /// <summary>The DiT input of block <paramref name="b"/> of clip <paramref name="r"/> with this run's pose and speakers.</summary>
    internal Models.Dit.DitStreamInput BlockInput(Tensor latents, float timestep, Tensor audio, int currentStart, int rollingOffset, int r, int b) =>
        new(latents, timestep, Context, audio, currentStart, rollingOffset,
            PoseLatents is { } pose ? pose[r].narrow(1, (long)b * ClipGeometry.FramesPerBlock, ClipGeometry.FramesPerBlock) : null,
            SpeakerMask);

    /// <summary>Whether the audio comes block by block from <see cref="BlockAudio"/> instead of <see cref="AudioEmbedding"/>.</summary>
    public bool HasBlockAudio => BlockAudio is not null;

    /// <summary>Whether every step runs the conditional and the unconditional forward.</summary>
    public bool UsesGuidance => GuideScale > 1;
}

/// <summary>
/// The audio features of block <paramref name="block"/> of clip <paramref name="clip"/>, [S, layers, A, 12], called in
/// block order on the first stage's thread when that block starts (the original's get_audio_callback, spec §5.9). It
/// may wait for audio to arrive and must give up with <see cref="OperationCanceledException"/> when
/// <paramref name="ct"/> fires. The sampler owns and disposes the returned tensor.
/// </summary>
public delegate Tensor BlockAudioSource(int clip, int block, CancellationToken ct);
