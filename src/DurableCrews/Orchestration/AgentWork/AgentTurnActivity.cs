using DurableCrews.Storage;
using Microsoft.DurableTask;

namespace DurableCrews.Orchestration.AgentWork;

/// <summary>
/// One model turn of one agent's work (<see cref="ModelTurn"/>): the model is handed its owed tool and delegation
/// results and asked for the next step, an answer or more calls for the orchestrator to run. A folded work's turn also
/// begins its work first and finishes it after (<see cref="WorkLifecycle"/>), so that a one-turn task is one activity.
/// </summary>
public sealed class AgentTurnActivity(WorkLifecycle lifecycle, ModelTurn turn, RunStore runs) : TaskActivity<AgentTurnRequest, AgentTurnOutcome>
{
    /// <summary>The message that asks an agent at its <c>max_iter</c> for its final answer.</summary>
    public const string FinalAnswerNow = "You have used the most steps you are allowed. Stop using tools and give your best final answer now, with everything you know.";

    /// <inheritdoc />
    public override Task<AgentTurnOutcome> RunAsync(TaskActivityContext context, AgentTurnRequest input) => ExecuteAsync(input);

    /// <summary>
    /// Takes the turn and says what it came to; begins the work first and finishes it after, when the request asks
    /// (a folded work); the run's last task completes the run too. Each part reads what is stored before it acts, so a
    /// redelivered turn never begins twice, never asks the model a recorded turn again, and finishes idempotently.
    /// </summary>
    public async Task<AgentTurnOutcome> ExecuteAsync(AgentTurnRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var once = runs.ReadRunsOnce(request.RunId, request.RunETag);
        var begun = await lifecycle.BeginForTurnAsync(request, cancellationToken).ConfigureAwait(false);
        if (begun.Early is { } early)
        {
            return early;
        }

        bool finishes = WorkLifecycle.FinishesWith(begun);
        var outcome = await turn.TakeAsync(begun.Request, stageAnswer: finishes, cancellationToken).ConfigureAwait(false) with { Start = begun.Start };
        return await lifecycle.FinishAfterTurnAsync(begun.Request, outcome, finishes, cancellationToken).ConfigureAwait(false);
    }
}
