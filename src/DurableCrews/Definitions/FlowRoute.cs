namespace DurableCrews.Definitions;

/// <summary>One entry of a step's <c>router</c>: emit <see cref="Emit"/> when <see cref="When"/> holds.</summary>
public sealed record FlowRoute
{
    /// <summary>A condition expression; null for the default route (allowed only last).</summary>
    public string? When { get; init; }

    /// <summary>The label emitted, which starts the steps that listen to it.</summary>
    public required string Emit { get; init; }
}
