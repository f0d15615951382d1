namespace DurableCrews.Definitions;

/// <summary>
/// A flow: several crews run as one durable run, in sequence or in parallel, one crew's output (or one of its
/// tasks' outputs) passed into another's inputs. Written as YAML or JSON with a <c>steps</c> mapping.
/// </summary>
public sealed record FlowDefinition
{
    /// <summary>The flow's name.</summary>
    public required string Name { get; init; }

    /// <summary>The steps, in definition order.</summary>
    public required IReadOnlyList<FlowStep> Steps { get; init; }

    /// <summary>The longest the whole flow may take, in seconds; null for no limit.</summary>
    public int? MaxExecutionTime { get; init; }
}
