using LiveAvatar.Engine.Tensors;

namespace LiveAvatar.Engine.Pipelines.Core;

/// <summary>
/// Everything one generation needs besides the models. The caller keeps ownership of the tensors; the sampler
/// only reads them. <see cref="MotionFrames"/> is the pipeline's motion_frames (73): the pixel history that
/// conditions decoding and the audio window's prepend length.
/// </summary>
public sealed record SamplerInputs(
    Tensor RefPixels,        // [3, 1, H, W] float in [−1, 1], the preprocessed reference image
    Tensor Context,          // [L, text_dim] T5 output trimmed to its real length (the DiT pads)
    Tensor AudioEmbedding,   // [1, layers, A, T] DiT audio layout, T ≥ Clips·InferFrames
    int Clips,
    int InferFrames,
    int Steps,
    bool OnlineDecode,
    bool Norm3Bf16,
    int MotionFrames = 73);
