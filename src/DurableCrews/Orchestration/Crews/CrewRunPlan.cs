using DurableCrews.Agents;
using DurableCrews.Definitions;
using DurableCrews.Notifications;
using DurableCrews.Runs;

namespace DurableCrews.Orchestration.Crews;

/// <summary>What the orchestrator needs to know of a crew to schedule it: names, order and limits, no texts.</summary>
/// <param name="Crew">The crew's name.</param>
/// <param name="Tasks">The tasks in crew order.</param>
/// <param name="MaxExecutionTime">The crew's limit on the whole run, in seconds; null for none.</param>
/// <param name="Webhooks">Where the run's webhooks go.</param>
/// <param name="Planning">Whether a planner turn runs before the tasks.</param>
/// <param name="PublishResults">Whether the run's end goes to <c>crew-results</c>.</param>
/// <param name="RunETag">The ETag of the run's stored request as planned, handed to its works so that a worker that remembers the request uses it without asking the store.</param>
public sealed record CrewRunPlan(string Crew, IReadOnlyList<PlannedTask> Tasks, int? MaxExecutionTime = null, WebhookTargets? Webhooks = null, bool Planning = false, bool PublishResults = false, string? RunETag = null)
{
    /// <summary>The plan of a stored run request.</summary>
    /// <param name="run">The request.</param>
    /// <param name="runETag">The ETag of its blob.</param>
    /// <param name="publishResults">Whether the run's end goes to <c>crew-results</c>.</param>
    /// <param name="storedBefore">
    /// How many of the first tasks may have outputs stored before the run starts (a replay's reused tasks); null when
    /// that is not known (a plan made from a request stored elsewhere), which makes every task look first.
    /// </param>
    public static CrewRunPlan Of(RunRecord run, string? runETag, bool publishResults, int? storedBefore = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        var crew = run.Definition;
        var names = crew.Tasks.Select(t => t.Name).ToList();
        var tasks = crew.Tasks.Select((task, index) =>
        {
            var agent = crew.Process == CrewProcess.Hierarchical ? ManagerPersona.For(crew) : crew.FindAgent(task.Agent ?? string.Empty);
            IReadOnlyList<int>? context = task.Context?.Select(name => names.IndexOf(name)).ToList();
            bool inline = agent is not null && !task.HumanInput && agent.MaxExecutionTime is null;
            bool prepared = task.Condition is not null || task.ForEach is not null;
            return new PlannedTask(index, task.Name, agent?.Role ?? ManagerPersona.Role, context, task.AsyncExecution, agent?.MaxRetryLimit ?? 2, agent?.MaxExecutionTime, inline,
                NoEarlierOutput: index >= (storedBefore ?? int.MaxValue),
                Prepared: prepared,
                MaxParallel: task.ForEach is null ? 0 : task.MaxParallel,
                Reads: prepared ? ReadsOf(task, names) : null);
        }).ToList();
        return new CrewRunPlan(crew.Name, tasks, crew.MaxExecutionTime, run.Webhooks, crew.Planning, publishResults, runETag);
    }

    /// <summary>The indexes of the tasks a task's <c>condition</c> and <c>for_each</c> name (the loader checked they parse and run before it).</summary>
    static List<int> ReadsOf(TaskDefinition task, List<string> names) =>
        new[] { task.Condition, task.ForEach }.OfType<string>()
            .SelectMany(text => Expressions.CrewExpression.Parse(text).Roots)
            .Select(name => names.IndexOf(name)).Where(i => i >= 0).Distinct().Order().ToList();
}
