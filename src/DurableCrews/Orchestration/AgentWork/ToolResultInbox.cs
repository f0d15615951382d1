using System.Globalization;
using DurableCrews.Definitions;
using DurableCrews.Orchestration.Crews;
using DurableCrews.Runs;
using DurableCrews.Storage;
using Microsoft.Extensions.AI;

namespace DurableCrews.Orchestration.AgentWork;

/// <summary>
/// Hands an agent the results it is owed from its last turn's calls: each finished delegation's answer and each tool
/// call's stored result, or why there is none. A failed call is a result that says what went wrong, never an exception.
/// </summary>
public sealed class ToolResultInbox(RunStore runs, ToolResultCache tools, TimeProvider time)
{
    /// <summary>
    /// Adds the owed tool results to the conversation and the work's records; also returns the result of a
    /// <c>result_as_answer</c> tool, which ends the work.
    /// </summary>
    public async Task<DeliveredResults> DeliverAsync(AgentWorkState work, CrewDefinition crew, List<ChatMessage> messages, AgentTurnRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(crew);
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(request);
        if (work.Pending.Count == 0)
        {
            return new DeliveredResults(work, null);
        }

        var failed = request.FailedDelegations;
        var results = new List<AIContent>();
        var delegations = work.Delegations.ToList();
        var toolCalls = work.ToolCalls.ToList();
        string? toolAnswer = null;

        // The stored results of a turn's calls are read at once, and the answers kept at once after: a manager with 16
        // coworkers waits for one storage round trip each way, not 16.
        var toolResults = work.Pending.Where(p => p.ToolIndex is not null)
            .ToDictionary(p => p.ToolIndex!.Value, p => ToolResultAsync(work, p, p.ToolIndex!.Value, request.FailedTools, cancellationToken));
        var children = work.Pending.Select(p => p.ChildKey).OfType<string>().Distinct(StringComparer.Ordinal)
            .ToDictionary(key => key, key => runs.GetWorkAsync(work.RunId, key, cancellationToken), StringComparer.Ordinal);
        var keeping = new List<Task>();
        foreach (var pending in work.Pending)
        {
            string result = pending.Result ?? string.Empty;
            if (pending.ToolIndex is int index)
            {
                var call = await toolResults[index].ConfigureAwait(false);
                result = call.Error is null ? call.Record.Result ?? string.Empty : $"Error: the tool {pending.Tool} failed: {call.Error}";
                toolCalls.Add(call.Record with { Result = null, Error = call.Error });
                if (call.Error is null && toolAnswer is null && crew.FindTool(pending.ToolDefinition ?? string.Empty) is { ResultAsAnswer: true })
                {
                    toolAnswer = result;
                }
            }
            else if (pending.ChildKey is { } key)
            {
                var child = await children[key].ConfigureAwait(false);
                if (child?.Answer is { } answer && child.FinishedAt is { } finished)
                {
                    result = answer;
                    delegations.Add(pending.Delegation! with
                    {
                        StartedAt = child.StartedAt,
                        FinishedAt = finished,
                        Output = answer,
                        TokenUsage = child.Usage.Add(TokenUsage.Sum(child.Delegations.Select(d => d.TokenUsage))),
                        Delegations = child.Delegations,
                        ToolCalls = child.ToolCalls,
                        ModelCalls = child.ModelCalls,
                        Retries = child.Retries,
                        Waits = child.Waits,
                    });
                    keeping.Add(KeepAnswerAsync(work.RunId, pending.DelegationHash!, new DelegationAnswer(key, answer), cancellationToken));
                    if (crew.Cache)
                    {
                        keeping.Add(tools.SaveAsync(CallPlanner.CacheKeyOf(crew, pending.Delegation!), pending.Delegation!.Kind, answer, cancellationToken));
                    }
                }
                else
                {
                    string reason = failed?.GetValueOrDefault(key) ?? "it ended without an answer";
                    result = $"Error: your coworker {pending.Delegation!.Coworker} could not finish this: {reason}";
                    delegations.Add(pending.Delegation with { FinishedAt = time.GetUtcNow(), Output = result });
                }
            }
            else if (pending.Delegation is { } reused)
            {
                delegations.Add(reused);
            }

            results.Add(new FunctionResultContent(pending.CallId, result));
        }

        await Task.WhenAll(keeping).ConfigureAwait(false);
        messages.Add(new ChatMessage(ChatRole.Tool, results));
        return new DeliveredResults(work with { Pending = [], Delegations = delegations, ToolCalls = toolCalls }, toolAnswer);
    }

    /// <summary>A tool call's stored record, or why it has none: it failed or timed out (the orchestrator says), or never finished.</summary>
    async Task<ToolCallResult> ToolResultAsync(AgentWorkState work, PendingToolResult pending, int index, IReadOnlyDictionary<string, string>? failedTools, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var stub = new ToolCallRecord
        {
            Tool = pending.Tool ?? string.Empty,
            Definition = pending.ToolDefinition,
            Agent = work.Agent,
            Turn = pending.ToolTurn,
            Index = index,
            Arguments = ToolCallRecord.ArgumentsText(pending.Arguments),
            StartedAt = now,
            FinishedAt = now,
        };
        if (failedTools?.GetValueOrDefault(index.ToString(CultureInfo.InvariantCulture)) is { } error)
        {
            return new ToolCallResult(stub, error);
        }

        var (record, _) = await runs.ReadVersionedAsync<ToolCallRecord>(RunBlobs.ToolCallBlob(work.RunId, work.Key, pending.ToolTurn, index), cancellationToken).ConfigureAwait(false);
        return record is null ? new ToolCallResult(stub, "the call did not finish") : new ToolCallResult(record, null);
    }

    async Task KeepAnswerAsync(string runId, string hash, DelegationAnswer answer, CancellationToken cancellationToken)
    {
        try
        {
            await runs.WriteVersionedAsync(RunBlobs.DelegationAnswerBlob(runId, hash), answer, etag: null, cancellationToken).ConfigureAwait(false);
        }
        catch (BlobConditionFailedException)
        {
            // A parallel branch kept the same delegation's answer first; either answer serves.
        }
    }

    /// <summary>A tool call's record, and what went wrong when it has no result.</summary>
    sealed record ToolCallResult(ToolCallRecord Record, string? Error);
}
