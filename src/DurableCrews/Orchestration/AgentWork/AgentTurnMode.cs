namespace DurableCrews.Orchestration.AgentWork;

/// <summary>What one model turn is for.</summary>
public enum AgentTurnMode
{
    /// <summary>Work on the task, delegating if the agent can.</summary>
    Work,

    /// <summary>The agent reached <c>max_iter</c>: answer now, without tools.</summary>
    FinalAnswer,

    /// <summary>Check the latest answer against the task's guardrail.</summary>
    Guardrail,

    /// <summary>The answer is not the JSON the task's <c>output_json</c> asks for: write it again as that JSON, once.</summary>
    FixJson,
}
