using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DurableCrews.Agents;
using DurableCrews.Definitions;
using DurableCrews.Orchestration.Crews;
using DurableCrews.Runs;
using DurableCrews.Storage;
using DurableCrews.Tools;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace DurableCrews.Orchestration.AgentWork;

/// <summary>
/// Reads the calls a model asked for into the work to do: tool calls to run, delegations to start as children, and
/// results owed at once. A call that cannot run (unknown tool or coworker, bad arguments, too deep, too many) is answered
/// with a result that says why; a delegation answered before in this run, or in the crew's cache, is not started again.
/// </summary>
public sealed class CallPlanner(RunStore runs, ToolResultCache tools, CrewTools crewTools, IOptions<ExecutionOptions> settings, TimeProvider time)
{
    /// <summary>The most tool calls and delegations one turn starts; the model is told to ask for the rest in its next turn.</summary>
    public const int MaxCallsPerTurn = 16;

    readonly ExecutionOptions options = settings.Value;

    /// <summary>Reads the model's calls into tool results owed, the children to start and the tool calls to run.</summary>
    public async Task<CallPlan> PlanAsync(AgentWorkState work, CrewDefinition crew, IReadOnlyList<FunctionCallContent> calls, IReadOnlyList<AgentTool> agentTools, int turn, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(crew);
        ArgumentNullException.ThrowIfNull(calls);
        ArgumentNullException.ThrowIfNull(agentTools);
        var toolOrders = new List<ToolCallOrder>();
        int hits = 0;
        int misses = 0;
        var pending = new List<PendingToolResult>();
        var orders = new List<DelegationOrder>();
        var thisTurn = new Dictionary<string, string>(StringComparer.Ordinal);
        int started = work.DelegationsStarted;
        var now = time.GetUtcNow();
        foreach (var call in calls)
        {
            if (toolOrders.Count + orders.Count >= MaxCallsPerTurn)
            {
                pending.Add(new PendingToolResult { CallId = call.CallId, Result = $"Error: one turn runs at most {MaxCallsPerTurn} tool calls and delegations; this one was not run. Ask for it again in your next turn if you still need it." });
                continue;
            }

            if (DelegationTools.KindOf(call.Name) is null)
            {
                pending.Add(OrderTool(work, call, agentTools, turn, toolOrders));
                continue;
            }

            var (delegation, error) = DelegationTools.Read(call, work.Coworkers);
            if (delegation is null)
            {
                pending.Add(new PendingToolResult { CallId = call.CallId, Result = error });
                continue;
            }

            if (work.Depth >= options.MaxDelegationDepth)
            {
                pending.Add(new PendingToolResult { CallId = call.CallId, Result = $"Error: delegation is limited to {options.MaxDelegationDepth} levels and this work is {work.Depth} deep. Do the work yourself and give your answer." });
                continue;
            }

            string hash = HashOf(delegation);
            var record = new DelegationRecord
            {
                InstanceId = string.Empty,
                Kind = delegation.Kind,
                Coworker = delegation.Coworker,
                Task = delegation.Text,
                Context = delegation.Context,
                DelegatedBy = work.Agent,
                StartedAt = now,
            };
            var (earlier, _) = await runs.ReadVersionedAsync<DelegationAnswer>(RunBlobs.DelegationAnswerBlob(work.RunId, hash), cancellationToken).ConfigureAwait(false);
            if (earlier is not null)
            {
                pending.Add(new PendingToolResult
                {
                    CallId = call.CallId,
                    Result = earlier.Answer,
                    Delegation = record with { InstanceId = $"{work.RunId}/{earlier.Key}", FinishedAt = now, Output = earlier.Answer, Reused = true },
                });
                continue;
            }

            if (crew.Cache && !thisTurn.ContainsKey(hash) && await tools.GetAsync(CacheKeyOf(crew, record), cancellationToken).ConfigureAwait(false) is { } cached)
            {
                hits++;
                pending.Add(new PendingToolResult { CallId = call.CallId, Result = cached, Delegation = record with { InstanceId = "crew-cache", FinishedAt = now, Output = cached, Reused = true } });
                continue;
            }

            if (!thisTurn.TryGetValue(hash, out string? key))
            {
                misses += crew.Cache ? 1 : 0;
                key = $"{work.Key}/d{++started}";
                thisTurn[hash] = key;
                orders.Add(new DelegationOrder(key, delegation.Coworker, Inline: !CanDelegate(crew, delegation.Coworker, work.Depth + 1)));
            }

            pending.Add(new PendingToolResult { CallId = call.CallId, ChildKey = key, DelegationHash = hash, Delegation = record with { InstanceId = $"{work.RunId}/{key}" } });
        }

        return new CallPlan(work with { Pending = pending, DelegationsStarted = started }, orders, toolOrders, new TokenUsage { CacheHits = hits, CacheMisses = misses });
    }

    /// <summary>The crew cache's key of a delegation's answer.</summary>
    internal static string CacheKeyOf(CrewDefinition crew, DelegationRecord delegation) =>
        ToolResultCache.KeyOf(crew.Name, delegation.Kind, delegation.Coworker, delegation.Task, delegation.Context);

    /// <summary>A call of one of the agent's tools: ordered to run, or answered with the tools it has when it has no such tool.</summary>
    PendingToolResult OrderTool(AgentWorkState work, FunctionCallContent call, IReadOnlyList<AgentTool> agentTools, int turn, List<ToolCallOrder> toolOrders)
    {
        var tool = agentTools.FirstOrDefault(t => t.Name == call.Name);
        if (tool is null)
        {
            var offeredNames = agentTools.Select(t => t.Name).Concat(work.Coworkers.Count > 0 ? [DelegationTools.DelegateWork, DelegationTools.AskQuestion] : []).Distinct(StringComparer.Ordinal).ToList();
            string offered = string.Join(", ", offeredNames);
            string hint = NameSuggestions.Closest(call.Name, offeredNames) is { } close ? $" Did you mean '{close}'?" : string.Empty;
            return new PendingToolResult { CallId = call.CallId, Result = $"Error: there is no tool named '{call.Name}'.{hint} {(offered.Length > 0 ? $"Your tools: {offered}." : "You have no tools; answer directly.")}" };
        }

        int index = toolOrders.Count;
        toolOrders.Add(new ToolCallOrder(index, tool.Name, crewTools.TimeoutOf(tool.Definition), tool.Definition.Retries, tool.Definition.RetryDelaySeconds));
        return new PendingToolResult
        {
            CallId = call.CallId,
            ToolIndex = index,
            ToolTurn = turn,
            Tool = tool.Name,
            ToolDefinition = tool.Definition.Name,
            RemoteName = tool.RemoteName,
            Arguments = JsonSerializer.SerializeToElement(call.Arguments ?? new Dictionary<string, object?>(), AIJsonUtilities.DefaultOptions),
        };
    }

    /// <summary>Whether a work of <paramref name="coworker"/> at <paramref name="depth"/> could start delegations of its own.</summary>
    bool CanDelegate(CrewDefinition crew, string coworker, int depth) =>
        depth < options.MaxDelegationDepth && crew.Agents.FirstOrDefault(a => a.Role == coworker) is { } agent && ManagerPersona.Coworkers(crew, agent).Count > 0;

    static string HashOf(DelegationCall call) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001f', call.Kind, call.Coworker, call.Text.Trim(), call.Context.Trim()))));
}
