namespace DurableCrews.Definitions;

/// <summary>What a flow step does.</summary>
public enum FlowStepKind
{
    /// <summary>Runs a crew (<c>crew:</c>).</summary>
    Crew,

    /// <summary>One agent answers one prompt (<c>agent:</c>), as CrewAI's <c>Agent.kickoff</c>; run as a one-task crew.</summary>
    Agent,

    /// <summary>Waits for a person to choose one of its outcomes (<c>human_feedback:</c>).</summary>
    HumanFeedback,
}
