namespace DurableCrews.Definitions;

/// <summary>Where crews named in API calls are found, bound from <c>DurableCrews:Crews</c>.</summary>
public sealed record CrewCatalogOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "DurableCrews:Crews";

    /// <summary>The folder of bundled crews, one sub-folder or YAML/JSON file per crew; default <c>crews</c> beside the app.</summary>
    public string Path { get; init; } = "crews";
}
