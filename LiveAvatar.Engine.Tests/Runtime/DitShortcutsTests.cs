using LiveAvatar.Engine.Runtime;

namespace LiveAvatar.Engine.Tests.Runtime;

public sealed class DitShortcutsTests
{
    [Fact]
    public void Nothing_is_switched_off_without_a_list() => Assert.Empty(DitShortcuts.Parse(null));

    [Fact]
    public void A_list_names_shortcuts_in_any_case_with_spaces()
    {
        var off = DitShortcuts.Parse(" ring_tail , TEXT_KEYS,shared_fp8_input,");
        Assert.Equal([DitShortcut.RingTail, DitShortcut.TextKeys, DitShortcut.SharedFp8Input], off.Order());
    }

    [Fact]
    public void An_unknown_name_is_an_error_that_lists_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => DitShortcuts.Parse("ring_tail,graphs"));
        Assert.Contains("'graphs'", e.Message);
        Assert.Contains("LIVEAVATAR_OFF", e.Message);
        Assert.Contains("text_keys", e.Message);
    }
}
