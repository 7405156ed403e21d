using LiveAvatar.Web.Services;

namespace LiveAvatar.Web.Components.Generation;

public sealed partial class GenerationForm
{
    /// <summary>The engine's settings and conditioning checks on this form, each problem under the control that
    /// fixes it (keys are the controls' data-testids, see <see cref="ControlIds"/>); empty when the form can be
    /// submitted.</summary>
    public IReadOnlyDictionary<string, string> Validate()
    {
        var request = RequestBuilder.Build(ToParameters(), Image?.FileName ?? "", Audio?.FileName ?? "", outputPath: null, info: null,
            conditioning: Conditioning.Named());
        // The rules that depend on the plan's shape (a 24 or 48 GB profile, or guidance, on a multi-GPU pipeline) see the
        // plan the queue will make from this generator's GPUs, so their problems show under the control rather than
        // only after Generate.
        request = request with { Devices = DevicePlanner.Plan(GpuNames, VaeParallel && VaeParallelAvailable, SampleSteps) };
        return ControlIds.ByControl(GenerationValidator.ValidateSettings(request).Concat(GenerationValidator.ValidateConditioning(request)));
    }

    // The engine names its GPUs cuda:0..N-1; only their number shapes the plan.
    private IReadOnlyList<string> GpuNames => Enumerable.Range(0, GpuCount).Select(i => $"cuda:{i}").ToList();
}
