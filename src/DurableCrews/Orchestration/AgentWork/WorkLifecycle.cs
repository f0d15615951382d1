using DurableCrews.Orchestration.Crews;
using DurableCrews.Storage;
using Microsoft.Extensions.Logging;

namespace DurableCrews.Orchestration.AgentWork;

/// <summary>
/// The lifecycle of one agent's work around its model turns: begun, finished, and, for the run's last task, the run
/// completed. The stand-alone activities and a folded turn (which begins and finishes its work itself) share it.
/// </summary>
public sealed class WorkLifecycle(WorkBeginner beginner, WorkFinisher finisher, RunCompleter completer, RunStore runs, ILogger<WorkLifecycle> logger)
{
    /// <summary>Begins the work (never twice) and returns what the orchestrator needs to drive it.</summary>
    public Task<AgentWorkStart> BeginAsync(AgentWorkInput input, CancellationToken cancellationToken = default) =>
        beginner.BeginAsync(input, cancellationToken);

    /// <summary>Finishes the work (idempotently) and returns where its result is.</summary>
    public Task<AgentWorkSummary> FinishAsync(FinishAgentWorkRequest request, CancellationToken cancellationToken = default) =>
        finisher.FinishAsync(request, cancellationToken);

    /// <summary>Writes the run's result and returns its summary.</summary>
    public Task<CrewRunSummary> CompleteRunAsync(CompleteRunRequest request, CancellationToken cancellationToken = default) =>
        completer.CompleteAsync(request, cancellationToken);

    /// <summary>
    /// For a folded work's first turn (<see cref="AgentTurnRequest.Begin"/>), begins the work and paces the turn by what
    /// it began; a work found finished, or one that could not begin, ends the turn early with nothing asked of the model.
    /// </summary>
    public async Task<TurnStart> BeginForTurnAsync(AgentTurnRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Begin is not { } input)
        {
            return new TurnStart(request, null, null);
        }

        AgentWorkStart start;
        try
        {
            start = await beginner.BeginAsync(input, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Nothing was asked of the model: the orchestrator begins the work with its own activity, retried as storage work is.
            logger.LogWarning(ex, "Beginning work {Key} of run {RunId} with its first turn failed; it is begun on its own", input.Key, input.RunId);
            return new TurnStart(request, null, new AgentTurnOutcome { Error = $"The work could not begin: {ex.Message}" });
        }

        if (start.Finished is not null)
        {
            return new TurnStart(request, start, new AgentTurnOutcome { Start = start });
        }

        return new TurnStart(request.PacedBy(start), start, null);
    }

    /// <summary>Whether the turn finishes its work when it answers: it was asked to, and no guardrail or person reviews the answer.</summary>
    public static bool FinishesWith(TurnStart begun)
    {
        ArgumentNullException.ThrowIfNull(begun);
        return begun.Request.Finish is not null && begun.Request.Mode != AgentTurnMode.Guardrail && begun.Start is not { Guardrail: true } and not { HumanInput: true };
    }

    /// <summary>
    /// After a turn that finishes its work (<see cref="FinishesWith"/>): finishes the work when the turn answered, writes
    /// what is still staged, and completes the run when the request asks. A part that fails is left to the orchestrator's
    /// own activity, retried as storage work is.
    /// </summary>
    public async Task<AgentTurnOutcome> FinishAfterTurnAsync(AgentTurnRequest request, AgentTurnOutcome outcome, bool finishes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(outcome);
        if (finishes && outcome.Answered && outcome.JsonError is null && request.Finish is { } finishing)
        {
            try
            {
                outcome = outcome with { Summary = await finisher.FinishAsync(finishing, cancellationToken).ConfigureAwait(false) };
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The answer is stored: the orchestrator finishes the work with its own activity, retried as storage work is.
                logger.LogWarning(ex, "Finishing work {Key} of run {RunId} with its last turn failed; it is finished on its own", finishing.Key, finishing.RunId);
            }
        }

        // What is still staged is written before the turn reports: the work a turn that sent nothing (no request slot, a
        // 429) began, or the answer of a turn whose finish failed.
        await runs.SaveStagedWorksAsync(cancellationToken).ConfigureAwait(false);
        if (outcome.Summary is not null && request.Complete is { } completing)
        {
            try
            {
                outcome = outcome with { Run = await completer.CompleteAsync(completing, cancellationToken).ConfigureAwait(false) };
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The task is finished: the orchestrator completes the run with its own activity, retried as storage work is.
                logger.LogWarning(ex, "Completing run {RunId} with its last task's turn failed; it is completed on its own", completing.RunId);
            }
        }

        return outcome;
    }
}
