using DurableCrews.Configuration;

namespace DurableCrews.Definitions;

/// <summary>Where crews named in API calls are found, bound from <c>DurableCrews:Crews</c>.</summary>
public sealed record CrewCatalogOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "DurableCrews:Crews";

    /// <summary>The folder of bundled crews, one sub-folder or YAML/JSON file per crew; default <c>crews</c> beside the app.</summary>
    public string Path { get; init; } = "crews";

    /// <summary>The folder of bundled flows, one sub-folder (with <c>flow.yaml</c>) or YAML/JSON file per flow; default <c>flows</c> beside the app.</summary>
    public string FlowsPath { get; init; } = "flows";

    /// <summary>The rules these settings must keep, checked when the host starts (by <see cref="OptionsValidator{TOptions}"/>).</summary>
    public static void Check(CrewCatalogOptions options, OptionsProblems problems)
    {
        problems
            .Unless(!string.IsNullOrWhiteSpace(options.Path), nameof(Path), "must name the folder of crew definitions")
            .Unless(!string.IsNullOrWhiteSpace(options.FlowsPath), nameof(FlowsPath), "must name the folder of flow definitions");
    }
}
