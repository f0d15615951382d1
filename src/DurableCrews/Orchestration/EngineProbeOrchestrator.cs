using Microsoft.DurableTask;

namespace DurableCrews.Orchestration;

/// <summary>
/// The health probe's orchestration: calls <see cref="EngineProbeActivity"/> the given number of times, one after
/// another, so that a probe proves the engine schedules, runs and records work, and times a bare activity in the host.
/// </summary>
public sealed class EngineProbeOrchestrator : TaskOrchestrator<int, int>
{
    /// <inheritdoc />
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
    {
        ArgumentNullException.ThrowIfNull(context);
        int done = 0;
        for (int step = 0; step < input; step++)
        {
            done += await context.CallActivityAsync<int>(nameof(EngineProbeActivity), step).ConfigureAwait(true);
        }

        return done;
    }
}
