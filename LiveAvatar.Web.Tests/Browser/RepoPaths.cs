namespace LiveAvatar.Web.Tests.Browser;

internal static class RepoPaths
{
    /// <summary>The folder holding LiveAvatar.sln, found by walking up from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    public static string PublishedApp => Path.Combine(Root, "build", "web", "LiveAvatar.Web");

    public static string Screenshots => Path.Combine(Root, "docs", "screenshots");

    public static string Examples => Path.Combine(Root, "wwwroot-assets", "examples");

    private static readonly string[] SourceProjects = ["LiveAvatar.Web", "LiveAvatar.Engine", "wwwroot-assets"];
    private static readonly string[] SourceExtensions = [".cs", ".razor", ".css", ".js", ".json", ".csproj"];

    /// <summary>A source file of the app changed after the last publish, or null when the publish is current.</summary>
    public static string? NewestSourceAfterPublish()
    {
        var published = File.GetLastWriteTimeUtc(Path.Combine(Root, "build", "web", "LiveAvatar.Web.dll"));
        return SourceProjects
            .SelectMany(p => Directory.EnumerateFiles(Path.Combine(Root, p), "*", SearchOption.AllDirectories))
            .Where(f => SourceExtensions.Contains(Path.GetExtension(f)) && !IsBuildOutput(f))
            .Where(f => File.GetLastWriteTimeUtc(f) > published)
            .Select(f => Path.GetRelativePath(Root, f))
            .FirstOrDefault();
    }

    private static bool IsBuildOutput(string file) =>
        file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ||
        file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LiveAvatar.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"LiveAvatar.sln not found above {AppContext.BaseDirectory}");
    }
}
