namespace DurableCrews.Runs;

/// <summary>
/// A tool result owed to the model: known already (<see cref="Result"/>: an error, or an answer reused from an
/// identical delegation), or to be read from the delegation <see cref="ChildKey"/> once it has finished.
/// </summary>
public sealed record PendingToolResult
{
    /// <summary>The model's id of the call.</summary>
    public required string CallId { get; init; }

    /// <summary>The result, when it is known without running anything.</summary>
    public string? Result { get; init; }

    /// <summary>The delegation that answers the call.</summary>
    public string? ChildKey { get; init; }

    /// <summary>The delegation asked for, when the call is one.</summary>
    public DelegationRecord? Delegation { get; init; }

    /// <summary>The hash that finds identical delegations in this run.</summary>
    public string? DelegationHash { get; init; }

    /// <summary>For a tool call run as an activity: the call's index in its turn.</summary>
    public int? ToolIndex { get; init; }

    /// <summary>For a tool call: the model turn that asked for it.</summary>
    public int ToolTurn { get; init; }

    /// <summary>For a tool call: the tool's name, as the model called it.</summary>
    public string? Tool { get; init; }

    /// <summary>For a tool call: the crew's tool that provides it.</summary>
    public string? ToolDefinition { get; init; }

    /// <summary>For an MCP tool call: the tool's name on its server.</summary>
    public string? RemoteName { get; init; }

    /// <summary>For a tool call: the model's arguments.</summary>
    public System.Text.Json.JsonElement? Arguments { get; init; }
}
