using LiveAvatar.Engine.Live;
using LiveAvatar.Engine.Media;
using LiveAvatar.Engine.Native;

namespace LiveAvatar.Engine.Pipelines;

/// <summary>Live sessions share the models and the device with the batch jobs: a session takes the same device lock a
/// job does, so it starts after the running job and the next job starts after the session.</summary>
public sealed partial class LiveAvatarGenerator : ILiveSessionHost
{
    public IReadOnlyList<GenerationProblem> ValidateLive(LiveSessionRequest request)
    {
        var problems = Validate(request.AsGenerationRequest(MachineDevices)).Where(p => p.Field != GenerationField.Audio).ToList();
        if (string.IsNullOrWhiteSpace(request.RecordingPath))
            problems.Add(new GenerationProblem("recording", "A live session needs a path for its recording."));
        return problems;
    }

    private static IReadOnlyList<string> MachineDevices =>
        ["cpu", .. CudaDevices.IsAvailable ? Enumerable.Range(0, CudaDevices.Count).Select(i => $"cuda:{i}") : []];

    public async Task<ILiveSession> StartLiveAsync(LiveSessionRequest request, LiveSessionLimits? limits = null, CancellationToken cancellationToken = default)
    {
        var problems = ValidateLive(request);
        if (problems.Count > 0)
            throw new GenerationException(GenerationErrorKind.BadInput, string.Join(" ", problems.Select(p => p.Message)), GenerationHints.BadRequest);
        var image = await Guard(() => ReferenceImageLoader.LoadAsync(request.ImagePath, request.Size, Options.Media, cancellationToken));
        await _gpu.WaitAsync(cancellationToken);
        try
        {
            // No plan asked for: whatever is loaded serves (the last job's devices, LoRA and FP8), so a session never
            // reloads 40 GB of weights just to start.
            var loaded = _models;
            var asJob = request.AsGenerationRequest(MachineDevices);
            var plan = PlanMemory(asJob);
            var models = request.Devices is null && loaded is not null && request.LoadLora && request.LoraPath is null
                ? loaded
                : await Task.Run(() => EnsureLoaded(asJob, plan), cancellationToken);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(request.RecordingPath))!);
            return LiveSession.Start(models, request with { RecordingPath = Path.GetFullPath(request.RecordingPath) },
                limits ?? LiveSessionLimits.Default, image, Options.Media, () => _gpu.Release(),
                offloadKvCache: plan.KvOnHost, kvBudgetBytes: plan.KvBudgetBytes, kvRings: plan.KvRingFormat);
        }
        catch
        {
            _gpu.Release();
            throw;
        }
    }
}
