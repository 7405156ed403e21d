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
        return ControlIds.ByControl(GenerationValidator.ValidateSettings(request).Concat(GenerationValidator.ValidateConditioning(request)));
    }
}
