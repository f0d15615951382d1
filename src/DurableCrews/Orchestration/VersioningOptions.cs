namespace DurableCrews.Orchestration;

/// <summary>Which orchestration version new runs start on, bound from <c>DurableCrews:Versioning</c>.</summary>
public sealed record VersioningOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "DurableCrews:Versioning";

    /// <summary>
    /// The version new runs start on: <see cref="OrchestrationVersions.Current"/> unless set to an older one of
    /// <see cref="OrchestrationVersions.All"/> (to keep starting runs the way the previous deploy did, during a canary).
    /// </summary>
    public string StartVersion { get; init; } = OrchestrationVersions.Current;
}
