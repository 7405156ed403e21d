using Bunit;
using LiveAvatar.Web.Components.Generation;
using LiveAvatar.Web.Services;
using MudBlazor;

namespace LiveAvatar.Web.Tests.Components;

/// <summary>The "GPU memory" selector: the engine's four profiles in its own words, into the request, and the
/// engine's problem with a profile under it.</summary>
public class MemoryProfileSelectorTests : PageContext
{
    /// <summary>Opens the selector; its choices render in the popover provider, as on the page.</summary>
    private IReadOnlyList<AngleSharp.Dom.IElement> OpenChoices(IRenderedComponent<PanelHost<ParametersPanel>> panel)
    {
        panel.Find("[data-testid=memory-profile]").MouseDown();
        return Popovers.FindAll("[data-testid=memory-profile-choice]").ToList();
    }

    [Fact]
    public void The_selector_offers_the_four_profiles_with_the_engines_description_and_starts_on_auto()
    {
        using var state = NewState();
        var panel = Panel<ParametersPanel>(state);

        var choices = OpenChoices(panel);

        Assert.Equal("GPU memory", panel.FindComponent<MudSelect<MemoryProfile>>().Instance.Label);
        Assert.Equal("auto", panel.Find("[data-testid=memory-profile]").GetAttribute("data-value"));
        Assert.Equal(MemoryProfiles.Names, choices.Select(c => c.GetAttribute("data-value")));
        Assert.Equal(["Auto", "24 GB", "48 GB", "80 GB"], choices.Select(c => c.Children[0].TextContent.Trim()));
        Assert.Equal(MemoryProfiles.All.Select(MemoryProfiles.Describe), choices.Select(c => c.Children[1].TextContent.Trim()));
        Assert.Equal(MemoryProfiles.Describe(MemoryProfile.Auto), panel.Find("[data-testid=memory-profile-hint]").TextContent.Trim());
    }

    [Fact]
    public void Choosing_24_GB_puts_that_profile_into_the_request_and_describes_it_under_the_field()
    {
        using var state = NewState();
        var panel = Panel<ParametersPanel>(state);

        OpenChoices(panel).Single(c => c.GetAttribute("data-value") == "24").Click();

        Assert.Equal(MemoryProfile.Gb24, state.Form.MemoryProfile);
        var request = RequestBuilder.Build(state.Form.ToParameters(), "face.png", "voice.wav", outputPath: null, info: null);
        Assert.Equal(MemoryProfile.Gb24, request.MemoryProfile);
        Assert.Equal("24", panel.Find("[data-testid=memory-profile]").GetAttribute("data-value"));
        Assert.Equal(MemoryProfiles.Describe(MemoryProfile.Gb24), panel.Find("[data-testid=memory-profile-hint]").TextContent.Trim());
    }

    [Fact]
    public void The_engines_problem_with_a_profile_shows_on_the_selector()
    {
        // Three GPUs with the VAE on its own: the DiT runs on two, where the engine keeps weights resident.
        Generator!.Info = Generator.Info with { Devices = ["cuda:0", "cuda:1", "cuda:2"] };
        using var state = NewState();
        state.Form.VaeParallel = true;
        var panel = Panel<ParametersPanel>(state);
        Assert.Empty(panel.FindAll("[data-testid=memory-profile-error]"));

        OpenChoices(panel).Single(c => c.GetAttribute("data-value") == "48").Click();

        string message = panel.Find("[data-testid=memory-profile-error]").TextContent.Trim();
        Assert.StartsWith("The 48 GB memory profile runs on one GPU", message);
        Assert.Contains(message, panel.FindComponent<MudSelect<MemoryProfile>>().Markup);
    }
}
