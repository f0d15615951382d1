using System.Text.Json;
using System.Text.RegularExpressions;
using DurableCrews.Agents;
using Microsoft.Extensions.AI;

namespace DurableCrews.Models;

/// <summary>
/// Delegation as the offline model plays it: a manager's task split across its coworkers as <c>delegate_work</c>
/// calls, and the coworkers' answers read back as context entries.
/// </summary>
internal static partial class OfflineDelegation
{
    /// <summary>
    /// When the agent must use a tool (a hierarchical crew's manager on its first turn): the task's numbered requirements
    /// split across the coworkers whose role and goal match them best, one <c>delegate_work</c> call per coworker that
    /// gets a part, so the parts run at once.
    /// </summary>
    public static List<AIContent>? Calls(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        if (options?.ToolMode is not RequiredChatToolMode || options.Tools?.OfType<AIFunctionDeclaration>().FirstOrDefault(t => t.Name == DelegationTools.DelegateWork) is not { } tool
            || !tool.JsonSchema.TryGetProperty("properties", out var properties) || !properties.TryGetProperty("coworker", out var coworker))
        {
            return null;
        }

        var coworkers = coworker.TryGetProperty("enum", out var names) && names.ValueKind == JsonValueKind.Array
            ? names.EnumerateArray().Select(n => n.GetString() ?? string.Empty).Where(n => n.Length > 0).ToList()
            : [];
        string help = coworker.TryGetProperty("description", out var description) ? description.GetString() ?? string.Empty : string.Empty;
        var profiles = coworkers.ToDictionary(c => c, c => Words(c + " " + GoalOf(help, c)));
        var prompt = PromptReading.Of(messages);
        var parts = OfflineText.Requirements(prompt.Task);
        if (parts.Count == 0)
        {
            parts = [OfflineText.FirstSentence(prompt.Task)];
        }

        var assigned = coworkers.ToDictionary(c => c, _ => new List<string>());
        foreach (string part in parts)
        {
            var words = Words(part);
            string best = coworkers
                .OrderByDescending(c => profiles[c].Count(words.Contains))
                .ThenBy(c => assigned[c].Count)
                .First();
            assigned[best].Add(part);
        }

        string context = $"We are working on: {OfflineText.FirstSentence(prompt.Task)} The result must be: {OfflineText.Trim(prompt.ExpectedOutput, 300)}";
        return assigned.Where(a => a.Value.Count > 0).Select((a, i) => (AIContent)new FunctionCallContent(
            $"call_{OfflineText.Seed(a.Key + prompt.Task) & 0x7fffffff:x8}_{i}",
            DelegationTools.DelegateWork,
            new Dictionary<string, object?>
            {
                ["task"] = a.Value.Count == 1 ? $"{OfflineText.Capitalize(a.Value[0])}." : string.Join("\n", a.Value.Select((p, n) => $"{n + 1}. {OfflineText.Capitalize(p)}")),
                ["context"] = context,
                ["coworker"] = a.Key,
            })).ToList();
    }

    /// <summary>The coworkers' answers the agent was given as tool results, as context entries.</summary>
    public static List<(string Task, string Author, string Gist)> Answers(IReadOnlyList<ChatMessage> messages)
    {
        var calls = messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Where(c => DelegationTools.KindOf(c.Name) is not null).ToDictionary(c => c.CallId, c => c);
        return messages.Where(m => m.Role == ChatRole.Tool)
            .SelectMany(m => m.Contents).OfType<FunctionResultContent>()
            .Where(result => calls.ContainsKey(result.CallId))
            .Select(result =>
            {
                string author = calls.TryGetValue(result.CallId, out var call) && call.Arguments?.TryGetValue("coworker", out var c) == true ? c?.ToString() ?? "coworker" : "coworker";
                string text = result.Result?.ToString() ?? string.Empty;
                string gist = OfflineText.GistOf(text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), "its answer");
                return ("delegated work", author, gist);
            }).ToList();
    }

    static string GoalOf(string help, string role) =>
        help.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith($"- {role}:", StringComparison.Ordinal))?[(role.Length + 3)..].Trim() ?? string.Empty;

    /// <summary>The words of a text that carry meaning, cut to a common stem so "pipelines" meets "pipeline".</summary>
    static HashSet<string> Words(string text) =>
        WordPattern().Matches(text.ToLowerInvariant()).Select(m => m.Value).Where(w => w.Length >= 4).Select(w => w.Length > 6 ? w[..6] : w).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"[a-z0-9]+")]
    private static partial Regex WordPattern();
}
