using DurableCrews.Orchestration.AgentWork.Legacy;
using Microsoft.DurableTask;

namespace DurableCrews.Orchestration.AgentWork;

/// <summary>
/// One agent's work on a crew task or a delegation (instance <c>{runId}/t{n}</c>, <c>{runId}/t{n}/d{m}</c>) when it
/// needs an instance of its own (a task that waits for a person or has a time limit, a delegation whose coworker may
/// delegate further): model turns until an
/// answer, each turn an activity; the delegations a turn asks for fanned out together (as sub-orchestrations, or inline
/// when the coworker cannot delegate) and the tool calls run as activities, all at once, and their results fed back;
/// then the guardrail and the person, when the task has them. Every wait (rate limits, retry backoff, human input) is a
/// durable timer or event, holding no worker. The steps are <see cref="AgentLoop"/>'s; a work recorded before work
/// was folded into its turns replays the steps it ran, in <see cref="LegacyAgentWork"/>.
/// </summary>
public sealed class AgentWorkOrchestrator : TaskOrchestrator<AgentWorkInput, AgentWorkSummary>
{
    /// <summary>How long past a tool's own timeout the durable timer waits, for the activity to be picked up and report.</summary>
    public const int ToolTimeoutGraceSeconds = 5;

    /// <inheritdoc />
    public override Task<AgentWorkSummary> RunAsync(TaskOrchestrationContext context, AgentWorkInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        return LegacyAgentWork.Replays(input)
            ? LegacyAgentWork.ReplayAsync(context, input)
            : new AgentLoop(context, input, context.SetCustomStatus).RunAsync();
    }
}
