namespace DurableCrews.Tests.Support;

/// <summary>Where the repository and the shared fixtures are, found from the test assembly's folder.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Crews => Path.Combine(Root, "crews");

    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DurableCrews.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("DurableCrews.sln was not found above " + AppContext.BaseDirectory);
    }
}
