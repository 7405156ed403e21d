using System.Runtime.CompilerServices;
using LiveAvatar.Engine.Pipelines;

namespace LiveAvatar.Web.Tests.TestSupport;

/// <summary>
/// Emits the update stream a real generator does (Started, Progress per block and step, ClipReady, Completed) with
/// canned segment bytes, and writes a small file as the "final video". Tests hold it between clips with
/// <see cref="ClipGate"/>, make it fail with <see cref="FailAfterClips"/>, or refuse requests with
/// <see cref="ValidationProblems"/>.
/// </summary>
internal sealed class FakeVideoGenerator : IVideoGenerator
{
    public static readonly byte[] InitBytes = [0, 0, 0, 8, (byte)'f', (byte)'t', (byte)'y', (byte)'p'];
    public const string Mime = "video/mp4; codecs=\"avc1.64001e, mp4a.40.2\"";

    public GeneratorInfo Info { get; set; } = new(IsDemo: true, "/ckpt/demo", ["cpu", "cuda:0"], SupportsFp8: true,
        LoraLoaded: false, ["704*384", "384*256"]);

    public int Clips { get; set; } = 2;
    public int Blocks { get; set; } = 2;
    public List<GenerationProblem> ValidationProblems { get; } = [];
    public SemaphoreSlim? ClipGate { get; set; }
    public int? FailAfterClips { get; set; }
    public Exception Failure { get; set; } = new GenerationException(GenerationErrorKind.OutOfMemory, "CUDA out of memory");
    public List<GenerationRequest> Requests { get; } = [];

    /// <summary>What the fake reports its memory profile picked when a job starts; null: no plan (as before profiles).</summary>
    public MemoryPlan? MemoryPlan { get; set; }
    public TaskCompletionSource FirstClipSent { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<GenerationProblem> Validate(GenerationRequest request) => ValidationProblems;

    /// <summary>Extra bytes appended to each segment (to fill a small disk).</summary>
    public int SegmentPadding { get; set; }

    public static byte[] SegmentBytes(int index) => [0, 0, 0, 8, (byte)'m', (byte)'o', (byte)'o', (byte)(index + 1)];

    private byte[] Segment(int index) => SegmentPadding == 0 ? SegmentBytes(index) : [.. SegmentBytes(index), .. new byte[SegmentPadding]];

    public async IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerationRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        lock (Requests) Requests.Add(request);
        await Task.Yield();
        int clips = Math.Min(request.NumClip ?? Clips, Clips);
        yield return new GenerationStarted(704, 384, clips, clips * request.InferFrames - 3, 25, Untrained: true) { Memory = MemoryPlan };
        for (int clip = 0; clip < clips; clip++)
        {
            if (FailAfterClips == clip) throw Failure;
            for (int block = 1; block <= Blocks; block++)
            {
                for (int step = 1; step <= request.SampleSteps; step++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    yield return new GenerationProgress(clip + 1, clips, block, Blocks, step, request.SampleSteps,
                        TimeSpan.FromSeconds(clip * 10 + block), TimeSpan.FromSeconds(30), [new DeviceMemory("cuda:0", 3L << 30, 80L << 30)],
                        $"denoising block {block}");
                }
            }
            if (clip == 0) yield return new PreviewReady(InitBytes, Mime);
            yield return new ClipReady(clip, clip * request.InferFrames, request.InferFrames, Segment(clip), TimeSpan.FromSeconds(clip + 1));
            FirstClipSent.TrySetResult();
            if (ClipGate is not null && clip + 1 < clips) await ClipGate.WaitAsync(cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
        }
        string output = request.OutputPath ?? Path.GetTempFileName();
        await File.WriteAllBytesAsync(output, [1, 2, 3], cancellationToken);
        yield return new GenerationCompleted(output, clips * request.InferFrames - 3, 25, TimeSpan.FromSeconds(42),
            TimeSpan.FromSeconds(7), Untrained: true);
    }
}
