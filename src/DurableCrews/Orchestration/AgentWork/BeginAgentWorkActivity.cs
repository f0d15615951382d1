using Microsoft.DurableTask;

namespace DurableCrews.Orchestration.AgentWork;

/// <summary>Begins one agent's work (<see cref="WorkBeginner"/>); a work begun before is not begun again.</summary>
public sealed class BeginAgentWorkActivity(WorkLifecycle lifecycle) : TaskActivity<AgentWorkInput, AgentWorkStart>
{
    /// <inheritdoc />
    public override Task<AgentWorkStart> RunAsync(TaskActivityContext context, AgentWorkInput input) => ExecuteAsync(input);

    /// <summary>Begins the work and returns what the orchestrator needs to drive it.</summary>
    public Task<AgentWorkStart> ExecuteAsync(AgentWorkInput input, CancellationToken cancellationToken = default) => lifecycle.BeginAsync(input, cancellationToken);
}
