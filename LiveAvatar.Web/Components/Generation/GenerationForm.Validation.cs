using LiveAvatar.Web.Services;

namespace LiveAvatar.Web.Components.Generation;

public sealed partial class GenerationForm
{
    /// <summary>The engine's settings check on this form, each problem under the control that fixes it (keys are
    /// the controls' data-testids, see <see cref="ControlIds"/>); empty when the form can be submitted.</summary>
    public IReadOnlyDictionary<string, string> Validate() => ControlIds.ByControl(
        GenerationValidator.ValidateSettings(RequestBuilder.Build(ToParameters(),
            Image?.FileName ?? "", Audio?.FileName ?? "", outputPath: null, info: null)));
}
