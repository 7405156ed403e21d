using System.Runtime.CompilerServices;
using LiveAvatar.Engine.Pipelines;

namespace LiveAvatar.Cli.Tests;

/// <summary>Test double for the CLI front-ends: records requests, writes a placeholder output file, and can fail
/// items whose image path contains "fail".</summary>
public sealed class FakeGenerator : IVideoGenerator
{
    public List<GenerationRequest> Requests { get; } = [];

    public GeneratorInfo Info => new(true, "/ckpt", ["cpu"], false, false, []);

    public IReadOnlyList<GenerationProblem> Validate(GenerationRequest request) => [];

    public async IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request, [EnumeratorCancellation] CancellationToken ct = default)
    {
        Requests.Add(request);
        await Task.Yield();
        if (request.ImagePath.Contains("fail", StringComparison.Ordinal))
            throw new GenerationException(GenerationErrorKind.BadInput, "image is not a picture", "use a JPEG or PNG");
        yield return new GenerationStarted(64, 64, 1, 45, 25, true);
        yield return new PreviewReady([1], "video/mp4");
        yield return new GenerationProgress(1, 1, 1, 4, 1, 4, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), [], "");
        yield return new ClipReady(0, 0, 45, [2], TimeSpan.FromSeconds(2));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(request.OutputPath!))!);
        await File.WriteAllTextAsync(request.OutputPath!, "mp4", ct);
        yield return new GenerationCompleted(request.OutputPath!, 45, 25, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(2), true);
    }
}
