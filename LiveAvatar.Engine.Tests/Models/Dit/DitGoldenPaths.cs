namespace LiveAvatar.Engine.Tests.Models.Dit;

/// <summary>Locates the shared golden folders next to the repository root (the folder with LiveAvatar.sln).</summary>
internal static class DitGoldenPaths
{
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "LiveAvatar.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("LiveAvatar.sln not found above the test binaries");
    }

    public static string Folder(string name) => Path.Combine(RepoRoot(), "..", "shared", "golden", name);
}
