using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace LiveAvatar.Web.Tests.Browser;

/// <summary>A server of its own: this class kills and restarts it.</summary>
public sealed class ConnectionBannerFixture : BrowserFixture;

/// <summary>
/// Issue 16.5: when the page's live connection (the Blazor circuit's WebSocket) drops, the page says so instead of
/// silently ignoring clicks, and says what to do once the server answers again.
/// </summary>
[Collection(BrowserCollection.Name)]
public class ConnectionBannerBrowserTests(ConnectionBannerFixture fixture) : IClassFixture<ConnectionBannerFixture>
{
    // Every state connection-banner.js puts on the banner, in order, so a state shown only briefly is not missed.
    private const string RecordBannerStates = """
        () => {
          window.__bannerStates = [];
          const banner = document.getElementById('components-reconnect-modal');
          new MutationObserver(() => {
            const s = banner.dataset.state;
            if (s && window.__bannerStates[window.__bannerStates.length - 1] !== s) window.__bannerStates.push(s);
          }).observe(banner, { attributes: true, attributeFilter: ['data-state'] });
        }
        """;

    // Keeps a handle on the circuit's WebSocket (Blazor does not expose it) so the test can drop it as a network
    // would; the socket itself is the browser's own.
    private const string TrackSockets = """
        (() => {
          const Native = window.WebSocket;
          window.__blazorSockets = [];
          window.WebSocket = class extends Native {
            constructor(url, protocols) {
              super(url, protocols);
              if (String(url).includes('/_blazor')) window.__blazorSockets.push(this);
            }
          };
        })()
        """;

    [Fact]
    public async Task A_dropped_connection_shows_the_banner_which_clears_on_reconnect_and_offers_a_reload_after_a_restart()
    {
        // Open a plain asset first so the socket tracker is in place before the page makes its circuit.
        var page = await fixture.OpenPageAsync("/assets/connection-banner.css");
        await page.AddInitScriptAsync(TrackSockets);
        var banner = page.GetByTestId("connection-banner");
        try
        {
            await page.GotoAsync("/");
            await Expect(page.GetByTestId("generate")).ToBeVisibleAsync();
            await Expect(banner).ToBeHiddenAsync();
            await page.EvaluateAsync(RecordBannerStates);
            Assert.Equal(1, await page.EvaluateAsync<int>("() => window.__blazorSockets.length"));

            // 1. The network drops the socket while the server lives on: the banner shows, the page reconnects to
            //    the same circuit, the banner says so, then hides by itself.
            await page.EvaluateAsync("() => window.__blazorSockets[0].close()");
            await page.WaitForFunctionAsync("() => window.__bannerStates.includes('reconnected')", null, new() { Timeout = 60_000 });
            Assert.Equal(["reconnecting", "reconnected"], await page.EvaluateAsync<string[]>("() => window.__bannerStates"));
            await Expect(banner).ToContainTextAsync("Reconnected");
            await Expect(banner).ToBeHiddenAsync(new() { Timeout = 20_000 });
            Assert.Equal(2, await page.EvaluateAsync<int>("() => window.__blazorSockets.length"));
            // The circuit is the same one and answers: a preset click still reaches the server and changes the form.
            await page.GetByTestId("preset-standard").ClickAsync();
            await Expect(page.GetByTestId("num-clip-input")).ToHaveValueAsync("100");

            // 2. The server dies (SIGKILL): the banner shows and stays while nothing answers.
            await page.EvaluateAsync("() => window.__bannerStates = []");
            await fixture.KillServerAsync();
            await Expect(banner).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Expect(banner).ToHaveAttributeAsync("data-state", "reconnecting");
            await Expect(banner).ToContainTextAsync("Connection to the server lost; reconnecting");
            await Expect(page.GetByTestId("connection-reload")).ToBeHiddenAsync();

            // 3. A new server on the same port knows nothing of the old circuit: the banner says the connection
            //    cannot be resumed and offers the reload, which brings back a working page.
            await fixture.StartServerAgainAsync();
            await Expect(banner).ToHaveAttributeAsync("data-state", "failed", new() { Timeout = 120_000 });
            await Expect(banner).ToBeVisibleAsync();
            await Expect(banner).ToContainTextAsync("Reload the page");
            await page.GetByTestId("connection-reload").ClickAsync();
            await Expect(page.GetByTestId("generate")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Expect(banner).ToBeHiddenAsync();
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            string states;
            try { states = await page.EvaluateAsync<string>("() => JSON.stringify([window.__bannerStates ?? null, document.getElementById('components-reconnect-modal').className, window.__blazorSockets.map(s => s.readyState)])"); }
            catch (PlaywrightException) { states = "(page gone)"; }
            throw new Xunit.Sdk.XunitException($"{e.Message}\nbanner states: {states}\n--- server log ---\n{fixture.Server.Log}");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
