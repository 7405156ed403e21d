namespace LiveAvatar.Engine.Tests.TestSupport;

/// <summary>Finds ../shared/golden beside the repository root (the layout CI and developers share).</summary>
public static class GoldenPaths
{
    public static string RepoRoot
    {
        get
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "LiveAvatar.sln"))) return d.FullName;
            throw new InvalidOperationException("repository root (LiveAvatar.sln) not found above " + AppContext.BaseDirectory);
        }
    }

    public static string Root => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "golden"));
}
