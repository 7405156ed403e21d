using LiveAvatar.Engine.Live;
using LiveAvatar.Engine.Media;

namespace LiveAvatar.Engine.Pipelines;

/// <summary>Live sessions share the models and the device with the batch jobs: a session takes the same device lock a
/// job does, so it starts after the running job and the next job starts after the session.</summary>
public sealed partial class LiveAvatarGenerator : ILiveSessionHost
{
    public IReadOnlyList<GenerationProblem> ValidateLive(LiveSessionRequest request)
    {
        var problems = Validate(request.AsGenerationRequest()).Where(p => p.Field != GenerationField.Audio).ToList();
        if (string.IsNullOrWhiteSpace(request.RecordingPath))
            problems.Add(new GenerationProblem("recording", "A live session needs a path for its recording."));
        return problems;
    }

    public async Task<ILiveSession> StartLiveAsync(LiveSessionRequest request, LiveSessionLimits? limits = null, CancellationToken cancellationToken = default)
    {
        var problems = ValidateLive(request);
        if (problems.Count > 0)
            throw new GenerationException(GenerationErrorKind.BadInput, string.Join(" ", problems.Select(p => p.Message)), GenerationHints.BadRequest);
        var image = await Guard(() => ReferenceImageLoader.LoadAsync(request.ImagePath, request.Size, Options.Media, cancellationToken));
        await _gpu.WaitAsync(cancellationToken);
        try
        {
            var models = await Task.Run(() => EnsureLoaded(request.AsGenerationRequest()), cancellationToken);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(request.RecordingPath))!);
            return LiveSession.Start(models, request with { RecordingPath = Path.GetFullPath(request.RecordingPath) },
                limits ?? LiveSessionLimits.Default, image, Options.Media, () => _gpu.Release());
        }
        catch
        {
            _gpu.Release();
            throw;
        }
    }
}
