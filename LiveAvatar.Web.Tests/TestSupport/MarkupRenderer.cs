using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.JSInterop;
using Radzen;

namespace LiveAvatar.Web.Tests.TestSupport;

/// <summary>Renders a component to HTML with the framework's own static renderer (no browser, no circuit).</summary>
internal static class MarkupRenderer
{
    public static async Task<RenderedMarkup> RenderAsync<TComponent>(Action<IServiceCollection> configure,
        IDictionary<string, object?>? parameters = null) where TComponent : IComponent
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddRadzenComponents();
        services.AddSingleton<IJSRuntime, NoJsRuntime>();
        configure(services);
        await using var provider = services.BuildServiceProvider();
        await using var renderer = new HtmlRenderer(provider, provider.GetRequiredService<ILoggerFactory>());
        string html = await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<TComponent>(
                ParameterView.FromDictionary(parameters ?? new Dictionary<string, object?>()));
            return output.ToHtmlString();
        });
        return new RenderedMarkup(html);
    }
}

/// <summary>Rendered HTML plus the few queries the markup tests need.</summary>
internal sealed partial record RenderedMarkup(string Html)
{
    /// <summary>Entities decoded, so assertions can use the text a reader sees.</summary>
    public string Text => WebUtility.HtmlDecode(Html);

    public int Count(string testId) => Html.Split($"data-testid=\"{testId}\"").Length - 1;

    public bool Has(string testId) => Count(testId) > 0;

    /// <summary>Decoded, tag-stripped text of each element carrying the test id (elements must not nest their own tag).</summary>
    public IReadOnlyList<string> TextsOf(string testId) =>
        Element(testId).Matches(Html)
            .Select(m => WebUtility.HtmlDecode(Tags().Replace(m.Groups["body"].Value, "")).Trim())
            .Select(t => Spaces().Replace(t, " "))
            .ToList();

    private static Regex Element(string testId) => new(
        $"<(?<tag>[a-z0-9]+)[^>]*data-testid=\"{Regex.Escape(testId)}\"[^>]*>(?<body>.*?)</\\k<tag>>",
        RegexOptions.Singleline);

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex("\\s+")]
    private static partial Regex Spaces();
}
