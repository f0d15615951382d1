namespace DurableCrews.InfraTests.Support;

/// <summary>The checkout the tests run in: the folder above the test binaries that holds <c>DurableCrews.sln</c>.</summary>
static class RepositoryRoot
{
    static readonly Lazy<string> Root = new(Find);

    /// <summary>The repository root.</summary>
    public static string Path => Root.Value;

    /// <summary>A path under the repository root, from its segments.</summary>
    public static string Combine(params string[] segments) => System.IO.Path.Combine([Path, .. segments]);

    static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(folder.FullName, "DurableCrews.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds DurableCrews.sln.");
    }
}
