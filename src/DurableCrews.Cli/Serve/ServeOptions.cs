namespace DurableCrews.Cli.Serve;

/// <summary>How <c>durablecrews serve</c> stops, bound from <c>DurableCrews:Serve</c>.</summary>
public sealed record ServeOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "DurableCrews:Serve";

    /// <summary>How long, in seconds, activities in flight may finish after SIGTERM or Ctrl+C before the engine stops.</summary>
    public int DrainSeconds { get; init; } = 4;
}
