using MudBlazor;

namespace LiveAvatar.Web.Components.Layout;

/// <summary>The page's colours and type: one accent, calm surfaces, system fonts (the server may have no network,
/// so no web fonts).</summary>
public static class LiveAvatarTheme
{
    private static readonly string[] Fonts = ["Inter", "system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"];

    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#5b4bdb",
            Secondary = "#0f9d8a",
            AppbarBackground = "#ffffff",
            AppbarText = "#1f2333",
            Background = "#f5f6fa",
            Surface = "#ffffff",
            DrawerBackground = "#ffffff",
            TextPrimary = "#1f2333",
            TextSecondary = "#5d6477",
            LinesDefault = "#e3e5ee",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#9d8cff",
            Secondary = "#3cc9b4",
            AppbarBackground = "#181a24",
            AppbarText = "#e8e9f1",
            Background = "#11131a",
            Surface = "#1b1e29",
            DrawerBackground = "#181a24",
            TextPrimary = "#e8e9f1",
            TextSecondary = "#a3a8ba",
            LinesDefault = "#2c3040",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = Fonts },
            H5 = new H5Typography { FontFamily = Fonts, FontWeight = "700" },
            H6 = new H6Typography { FontFamily = Fonts, FontWeight = "600", FontSize = "1.05rem" },
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "10px" },
    };
}
