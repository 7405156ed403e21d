using System.Diagnostics;
using LiveAvatar.Engine.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace LiveAvatar.Engine.Pipelines.Core;

/// <summary>
/// Where a pipeline's first stage spends a DiT step (benchmarks): the host time its thread takes to issue the step's
/// work, and, on CUDA, how far apart consecutive steps start on the device (CUDA events on the stage's stream). Issue
/// time close to the device interval means the loop waits for the host; far below it, for the GPU.
/// </summary>
public sealed class StepTimings : IDisposable
{
    private readonly List<double> _issueMs = [];
    private readonly List<CudaEvent> _starts = [];
    private readonly Stopwatch _clock = new();

    /// <summary>Steps recorded so far.</summary>
    public int Steps => _issueMs.Count;

    internal void Begin(Device device)
    {
        if (device.type == DeviceType.CUDA && NativeExtension.HasCuda)
        {
            var start = new CudaEvent();
            using var stream = CudaStream.Current(device.index);
            start.Record(stream);
            _starts.Add(start);
        }
        _clock.Restart();
    }

    internal void End() => _issueMs.Add(_clock.Elapsed.TotalMilliseconds);

    /// <summary>Medians over the steps after the first <paramref name="skip"/>: the host's issue time and (CUDA) the
    /// device interval between step starts. Waits for the recorded events.</summary>
    public (double IssueMs, double? DeviceIntervalMs) Medians(int skip)
    {
        var issue = _issueMs.Skip(skip).Order().ToList();
        if (issue.Count == 0) throw new InvalidOperationException($"only {_issueMs.Count} steps were recorded, {skip} skipped");
        var gaps = DeviceIntervals(skip).Order().ToList();
        double? interval = gaps.Count > 0 ? gaps[gaps.Count / 2] : null;
        return (issue[issue.Count / 2], interval);
    }

    /// <summary>The device intervals between step starts after the first <paramref name="skip"/> steps, in step order
    /// (CUDA only; empty otherwise): interval i ends where step skip + i + 1 starts. Waits for the recorded events.</summary>
    public IReadOnlyList<double> DeviceIntervals(int skip)
    {
        if (_starts.Count != _issueMs.Count || _starts.Count <= skip + 1) return [];
        _starts[^1].Synchronize();
        return [.. Enumerable.Range(skip + 1, _starts.Count - skip - 1).Select(i => _starts[i].ElapsedMsSince(_starts[i - 1]))];
    }

    public void Dispose()
    {
        foreach (var e in _starts) e.Dispose();
        _starts.Clear();
    }
}
