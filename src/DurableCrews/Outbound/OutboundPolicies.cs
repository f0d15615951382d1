using DurableCrews.Definitions;
using DurableCrews.Notifications;
using Microsoft.Extensions.Options;

namespace DurableCrews.Outbound;

/// <summary>The destination policy of each kind of outbound call, from the general allow-list and each kind's own.</summary>
public sealed class OutboundPolicies
{
    /// <summary>The setting that allows hosts for webhooks only.</summary>
    public const string WebhookAllowedHostsSetting = "DurableCrews__Webhooks__AllowedHosts";

    /// <summary>Creates the policies from the settings.</summary>
    public OutboundPolicies(IOptions<OutboundOptions> outbound, IOptions<WebhookOptions> webhooks)
    {
        ArgumentNullException.ThrowIfNull(outbound);
        ArgumentNullException.ThrowIfNull(webhooks);
        Webhooks = new DestinationPolicy(
            [outbound.Value.AllowedHosts, webhooks.Value.AllowedHosts],
            $"{WebhookAllowedHostsSetting} (or {DestinationPolicy.AllowedHostsSetting})");
    }

    /// <summary>Where webhooks (a kickoff's <c>webhooks</c>, a crew's <c>step_callback</c> and <c>task_callback</c>) may go.</summary>
    public DestinationPolicy Webhooks { get; }

    /// <summary>Every webhook destination of a crew that the policy refuses, with its path.</summary>
    public IReadOnlyList<DefinitionProblem> CheckCallbacks(CrewDefinition crew)
    {
        ArgumentNullException.ThrowIfNull(crew);
        var problems = new List<DefinitionProblem>();
        Add(problems, "crew.step_callback", crew.StepCallback);
        Add(problems, "crew.task_callback", crew.TaskCallback);
        return problems;
    }

    /// <summary>Every webhook destination of a kickoff that the policy refuses, with its path under <paramref name="path"/>.</summary>
    public IReadOnlyList<DefinitionProblem> CheckTargets(WebhookTargets? targets, string path)
    {
        var problems = new List<DefinitionProblem>();
        Add(problems, $"{path}.step", targets?.Step?.OriginalString);
        Add(problems, $"{path}.task", targets?.Task?.OriginalString);
        Add(problems, $"{path}.run", targets?.Run?.OriginalString);
        return problems;
    }

    void Add(List<DefinitionProblem> problems, string path, string? url)
    {
        if (url is not null && Webhooks.Check(url, out _) is { } refused)
        {
            problems.Add(new DefinitionProblem(path, refused));
        }
    }
}
