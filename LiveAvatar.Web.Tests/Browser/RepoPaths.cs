namespace LiveAvatar.Web.Tests.Browser;

internal static class RepoPaths
{
    /// <summary>The folder holding LiveAvatar.sln, found by walking up from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    public static string PublishedApp => Path.Combine(Root, "build", "web", "LiveAvatar.Web");

    public static string Screenshots => Path.Combine(Root, "docs", "screenshots");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LiveAvatar.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"LiveAvatar.sln not found above {AppContext.BaseDirectory}");
    }
}
