using Microsoft.DurableTask;

namespace DurableCrews.Orchestration;

/// <summary>One step of the health probe: does nothing but count, so that its cost is the engine's alone.</summary>
public sealed class EngineProbeActivity : TaskActivity<int, int>
{
    /// <summary>The step's answer: one step done.</summary>
    public static int Step(int step) => step >= 0 ? 1 : 0;

    /// <inheritdoc />
    public override Task<int> RunAsync(TaskActivityContext context, int input) => Task.FromResult(Step(input));
}
