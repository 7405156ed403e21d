using Microsoft.JSInterop;

namespace LiveAvatar.Web.Tests.TestSupport;

/// <summary>
/// Radzen components inject IJSRuntime; static HTML rendering never runs their after-render JS calls, so a runtime
/// that refuses every call is enough and makes an accidental call during render loud.
/// </summary>
internal sealed class NoJsRuntime : IJSRuntime
{
    public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) =>
        throw new InvalidOperationException($"JS call '{identifier}' during static rendering");

    public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args) =>
        InvokeAsync<TValue>(identifier, args);
}
