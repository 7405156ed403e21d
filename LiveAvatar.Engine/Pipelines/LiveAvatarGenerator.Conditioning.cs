using LiveAvatar.Engine.Media;
using LiveAvatar.Engine.Models.Audio;
using LiveAvatar.Engine.Pipelines.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveAvatar.Engine.Pipelines;

public sealed partial class LiveAvatarGenerator
{
    /// <summary>The original's other conditioning: a pose video, and a second speaker with the routing mask.</summary>
    private sealed record ConditioningInputs(PoseVideoInfo? PoseVideo, AudioTrack? SecondAudio, Tensor? SpeakerMask);

    private sealed record SamplerMedia(AudioTrack Audio, ConditioningInputs Extra, MediaOptions Options);

    /// <summary>Reads and checks the optional inputs before any model work, so a bad file fails at once.</summary>
    private async Task<ConditioningInputs> LoadConditioningAsync(GenerationRequest request, ReferenceImage image, CancellationToken ct)
    {
        var pose = request.PoseVideoPath is { } p ? await PoseVideoReader.InspectAsync(p, Options.Media, ct) : null;
        if (!request.HasTwoSpeakers) return new ConditioningInputs(pose, null, null);
        var second = await AudioLoader.LoadAsync(request.SecondAudioPath!, Options.Media, ct);
        var masks = new List<SpeakerMaskImage>();
        foreach (var m in request.SpeakerMaskPaths ?? []) masks.Add(await SpeakerMaskReader.ReadAsync(m, Options.Media, ct));
        try
        {
            var routing = SpeakerRouting.Build(masks, image.Source.Width, image.Source.Height, image.Height, image.Width, request.InferFrames);
            return new ConditioningInputs(pose, second, routing);
        }
        catch (ArgumentException e)
        {
            throw new MediaException(e.Message, e);
        }
    }

    /// <summary>Each track through wav2vec2 on its own, cut to the shorter, stacked on the batch (speaker) axis.</summary>
    // → [S, layers, A, T]
    private static Tensor EncodeSpeakers(ModelSet models, SamplerMedia media, int inferFrames)
    {
        using var scope = torch.NewDisposeScope();
        var encoder = new AudioEncoder(models.AudioModel);
        var tracks = new List<Tensor> { encoder.EncodeAudio(media.Audio.Samples, models.Options.EncoderDevice, 25, inferFrames).AudioEmb };
        if (media.Extra.SecondAudio is { } b) tracks.Add(encoder.EncodeAudio(b.Samples, models.Options.EncoderDevice, 25, inferFrames).AudioEmb);
        var shortest = tracks.Min(t => t.shape[3]);
        return torch.cat(tracks.Select(t => t.narrow(3, 0, shortest)).ToList(), 0).MoveToOuterDisposeScope();
    }

    /// <summary>Disposes a list of tensors at the end of a using block.</summary>
    private readonly struct DisposeAll(IReadOnlyList<Tensor>? tensors) : IDisposable
    {
        public void Dispose()
        {
            foreach (var t in tensors ?? []) t.Dispose();
        }
    }
}
