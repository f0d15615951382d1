using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DurableCrews.Agents;
using Microsoft.Extensions.AI;

namespace DurableCrews.Models;

/// <summary>
/// A deterministic model that needs nothing: it reads the task prompt back (role, task, numbered requirements,
/// expected output, context from earlier tasks, JSON schema) and writes an answer in the expected shape, plainly
/// marked as offline output. The same prompt always gives the same answer. An optional latency simulates a real
/// model for demos, benchmarks and timeout tests.
/// </summary>
public sealed partial class OfflineChatClient : IChatClient
{
    /// <summary>The first line of every offline answer that is not JSON or code.</summary>
    public const string Marker = "> Offline model output: deterministic, derived from the prompt; no LLM was called.";

    readonly TimeSpan latency;
    readonly TimeProvider time;

    /// <summary>Creates the offline model.</summary>
    /// <param name="latency">How long each answer takes.</param>
    /// <param name="time">The clock the latency is measured on.</param>
    public OfflineChatClient(TimeSpan latency = default, TimeProvider? time = null)
    {
        this.latency = latency;
        this.time = time ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages.ToList();
        if (latency > TimeSpan.Zero)
        {
            await Task.Delay(latency, time, cancellationToken).ConfigureAwait(false);
        }

        var reply = OfflineToolUse.Call(list, options) is { } toolCall
            ? new ChatMessage(ChatRole.Assistant, [toolCall])
            : Delegations(list, options) is { Count: > 0 } calls
                ? new ChatMessage(ChatRole.Assistant, calls)
                : new ChatMessage(ChatRole.Assistant, Answer(list));
        int promptTokens = EstimateTokens(string.Concat(list.Select(m => m.Text)));
        int completionTokens = EstimateTokens(reply.Text + string.Concat(reply.Contents.OfType<FunctionCallContent>().Select(c => string.Concat(c.Arguments?.Values ?? []))));
        return new ChatResponse(reply)
        {
            ModelId = "offline",
            FinishReason = reply.Contents.Any(c => c is FunctionCallContent) ? ChatFinishReason.ToolCalls : ChatFinishReason.Stop,
            Usage = new UsageDetails
            {
                InputTokenCount = promptTokens,
                OutputTokenCount = completionTokens,
                TotalTokenCount = promptTokens + completionTokens,
            },
        };
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType?.IsInstanceOfType(this) == true ? this : null;

    /// <inheritdoc />
    public void Dispose()
    {
    }

    /// <summary>Roughly four characters a token, as a stand-in for a tokenizer.</summary>
    public static int EstimateTokens(string? text) => string.IsNullOrEmpty(text) ? 0 : Math.Max(1, text.Length / 4);

    /// <summary>
    /// When the agent must use a tool (a hierarchical crew's manager on its first turn): the task's numbered requirements
    /// split across the coworkers whose role and goal match them best, one <c>delegate_work</c> call per coworker that
    /// gets a part, so the parts run at once.
    /// </summary>
    static List<AIContent>? Delegations(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
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
        var prompt = Reading(messages);
        var parts = Requirements(prompt.Task);
        if (parts.Count == 0)
        {
            parts = [FirstSentence(prompt.Task)];
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

        string context = $"We are working on: {FirstSentence(prompt.Task)} The result must be: {Trim(prompt.ExpectedOutput, 300)}";
        return assigned.Where(a => a.Value.Count > 0).Select((a, i) => (AIContent)new FunctionCallContent(
            $"call_{Seed(a.Key + prompt.Task) & 0x7fffffff:x8}_{i}",
            DelegationTools.DelegateWork,
            new Dictionary<string, object?>
            {
                ["task"] = a.Value.Count == 1 ? $"{Capitalize(a.Value[0])}." : string.Join("\n", a.Value.Select((p, n) => $"{n + 1}. {Capitalize(p)}")),
                ["context"] = context,
                ["coworker"] = a.Key,
            })).ToList();
    }


    static string GoalOf(string help, string role) =>
        help.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith($"- {role}:", StringComparison.Ordinal))?[(role.Length + 3)..].Trim() ?? string.Empty;

    /// <summary>The words of a text that carry meaning, cut to a common stem so "pipelines" meets "pipeline".</summary>
    static HashSet<string> Words(string text) =>
        WordPattern().Matches(text.ToLowerInvariant()).Select(m => m.Value).Where(w => w.Length >= 4).Select(w => w.Length > 6 ? w[..6] : w).ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"[a-z0-9]+")]
    private static partial Regex WordPattern();

    internal static PromptReading Reading(IReadOnlyList<ChatMessage> messages)
    {
        string system = string.Join("\n", messages.Where(m => m.Role == ChatRole.System).Select(m => m.Text));
        string user = messages.LastOrDefault(m => m.Role == ChatRole.User && m.Text.Contains(PromptSections.Task, StringComparison.Ordinal))?.Text
            ?? messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text
            ?? string.Empty;
        return PromptReading.Read(system, user);
    }

    static string Answer(IReadOnlyList<ChatMessage> messages)
    {
        if (messages.FirstOrDefault(m => m.Role == ChatRole.System)?.Text == GuardrailPrompt.System)
        {
            return "PASS";
        }

        if (messages.FirstOrDefault(m => m.Role == ChatRole.System)?.Text.StartsWith($"{PromptSections.Role}{PlanningPrompt.Role}.", StringComparison.Ordinal) == true)
        {
            return PlanFor(messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? string.Empty);
        }

        var prompt = Reading(messages);
        var delegated = DelegatedAnswers(messages);
        if (delegated.Count > 0)
        {
            prompt = prompt with { ContextEntries = [.. prompt.ContextEntries, .. delegated] };
        }

        if (prompt.JsonSchema is { } schema)
        {
            return JsonFor(schema, prompt);
        }

        if (Mentions(prompt.ExpectedOutput, "python code") || Mentions(prompt.ExpectedOutput, "only the python"))
        {
            return PythonFor(prompt);
        }

        string answer = MarkdownFor(prompt) + OfflineToolUse.Quote(messages);
        var revision = messages.LastOrDefault(m => m.Role == ChatRole.User && m.Text.StartsWith(GuardrailPrompt.RevisionStart, StringComparison.Ordinal));
        return revision is null ? answer : $"{answer}\n### Revision\n\nRevised as asked: {Trim(GuardrailPrompt.FeedbackOf(revision.Text), 300)}\n";
    }

    /// <summary>The coworkers' answers the agent was given as tool results, as context entries.</summary>
    static List<(string Task, string Author, string Gist)> DelegatedAnswers(IReadOnlyList<ChatMessage> messages)
    {
        var calls = messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Where(c => DelegationTools.KindOf(c.Name) is not null).ToDictionary(c => c.CallId, c => c);
        return messages.Where(m => m.Role == ChatRole.Tool)
            .SelectMany(m => m.Contents).OfType<FunctionResultContent>()
            .Where(result => calls.ContainsKey(result.CallId))
            .Select(result =>
            {
                string author = calls.TryGetValue(result.CallId, out var call) && call.Arguments?.TryGetValue("coworker", out var c) == true ? c?.ToString() ?? "coworker" : "coworker";
                string text = result.Result?.ToString() ?? string.Empty;
                string gist = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Where(IsGistLine)
                    .Select(l => ListItem().Match(l) is { Success: true } item ? item.Groups[1].Value : l)
                    .Select(l => l.Replace("**", string.Empty, StringComparison.Ordinal))
                    .FirstOrDefault(l => l.Length > 10) ?? "its answer";
                return ("delegated work", author, Trim(gist, 160));
            }).ToList();
    }

    static string MarkdownFor(PromptReading prompt)
    {
        var md = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        md.Append(Marker).Append("\n\n");
        md.Append(culture, $"## {Heading(prompt)}\n\n");
        md.Append(culture, $"As {Article(prompt.Role)} {prompt.Role}, I worked on: {FirstSentence(prompt.Task)}\n\n");

        var points = Requirements(prompt.Task);
        md.Append("### Key points\n\n");
        int n = 1;
        foreach (string point in points)
        {
            md.Append(culture, $"{n++}. **{Capitalize(point)}** — {Elaboration(point, prompt)}\n");
        }

        md.Append('\n');
        if (prompt.ContextEntries.Count > 0)
        {
            md.Append("### Building on earlier work\n\n");
            foreach (var (task, author, gist) in prompt.ContextEntries)
            {
                md.Append(culture, $"- From **{task}** ({author}): {gist}\n");
            }

            md.Append('\n');
        }

        md.Append("### Summary\n\n");
        md.Append(culture, $"This answer covers {points.Count} point(s) toward \"{Trim(prompt.ExpectedOutput, 140)}\"");
        md.Append(prompt.ContextEntries.Count > 0 ? $", building on {prompt.ContextEntries.Count} earlier result(s).\n" : ".\n");
        return md.ToString();
    }

    static string PlanFor(string prompt)
    {
        var plan = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        plan.Append(Marker).Append("\n\n");
        foreach (var (name, agent, description) in PlanningPrompt.TasksIn(prompt))
        {
            plan.Append(PlanningPrompt.TaskHeading).Append(name).Append('\n');
            int step = 1;
            foreach (string point in Requirements(description).Take(5))
            {
                plan.Append(culture, $"{step++}. {agent}: {Capitalize(point)}.\n");
            }

            plan.Append(culture, $"{step}. {agent}: check the result against the expected output before answering.\n\n");
        }

        return plan.ToString();
    }

    static string PythonFor(PromptReading prompt)
    {
        var code = new StringBuilder();
        code.Append("# Offline model output: deterministic, derived from the prompt; no LLM was called.\n");
        code.Append(CultureInfo.InvariantCulture, $"# Task: {Trim(FirstSentence(prompt.Task), 100)}\n\n\n");
        code.Append("def main() -> None:\n");
        foreach (string point in Requirements(prompt.Task).Take(5))
        {
            code.Append(CultureInfo.InvariantCulture, $"    # {Trim(point, 90)}\n");
        }

        code.Append("    print(\"offline placeholder program\")\n\n\nif __name__ == \"__main__\":\n    main()\n");
        return code.ToString();
    }

    static string JsonFor(JsonElement schema, PromptReading prompt)
    {
        int seed = Seed(prompt.Task);
        var value = SampleFor(schema, schema, "result", prompt, ref seed, depth: 0);
        return value?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? "{}";
    }

    /// <summary>How many items an offline list has when its schema allows it: a few, so a for_each over it has work to fan out.</summary>
    const int SampleItems = 3;

    static JsonNode? SampleFor(JsonElement schema, JsonElement root, string name, PromptReading prompt, ref int seed, int depth)
    {
        if (depth > 6 || schema.ValueKind != JsonValueKind.Object)
        {
            return JsonValue.Create($"offline {name}");
        }

        if (schema.TryGetProperty("$ref", out var reference) && Resolve(root, reference.GetString()) is { } target)
        {
            return SampleFor(target, root, name, prompt, ref seed, depth + 1);
        }

        // A choice of shapes (pydantic's Optional[X] is anyOf X and null): the first that is not null.
        foreach (string choice in (string[])["anyOf", "oneOf", "allOf"])
        {
            if (schema.TryGetProperty(choice, out var options) && options.ValueKind == JsonValueKind.Array
                && options.EnumerateArray().FirstOrDefault(o => !(o.TryGetProperty("type", out var ot) && ot.ValueKind == JsonValueKind.String && ot.GetString() == "null")) is { ValueKind: JsonValueKind.Object } option)
            {
                return SampleFor(option, root, name, prompt, ref seed, depth + 1);
            }
        }

        if (schema.TryGetProperty("enum", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
        {
            return JsonNode.Parse(choices[Math.Abs(seed++) % choices.GetArrayLength()].GetRawText());
        }

        string type = schema.TryGetProperty("type", out var t) ? t.ValueKind == JsonValueKind.Array ? t.EnumerateArray().Select(e => e.GetString()).FirstOrDefault(e => e != "null") ?? "string" : t.GetString() ?? "string"
            : schema.TryGetProperty("properties", out _) ? "object" : schema.TryGetProperty("items", out _) ? "array" : "string";
        switch (type)
        {
            case "object":
                var obj = new JsonObject();
                if (schema.TryGetProperty("properties", out var properties))
                {
                    foreach (var property in properties.EnumerateObject())
                    {
                        obj[property.Name] = SampleFor(property.Value, root, property.Name, prompt, ref seed, depth + 1);
                    }
                }

                return obj;
            case "array":
                var array = new JsonArray();
                var itemSchema = schema.TryGetProperty("items", out var items) ? items : default;
                int least = schema.TryGetProperty("minItems", out var min) && min.TryGetInt32(out int m) ? m : 0;
                int most = schema.TryGetProperty("maxItems", out var max) && max.TryGetInt32(out int x) ? x : int.MaxValue;
                int count = Math.Min(Math.Max(least, SampleItems), most);
                for (int i = 0; i < count; i++)
                {
                    array.Add(SampleFor(itemSchema, root, Singular(name), prompt, ref seed, depth + 1));
                }

                return array;
            case "integer":
                return JsonValue.Create(1 + Math.Abs(seed++ % 9));
            case "number":
                return JsonValue.Create(Math.Round(0.5 + Math.Abs(seed++ % 50) / 10.0, 1));
            case "boolean":
                return JsonValue.Create(seed++ % 2 == 0);
            case "null":
                return null;
            default:
                var points = Requirements(prompt.Task);
                string basis = points.Count > 0 ? points[Math.Abs(seed++) % points.Count] : FirstSentence(prompt.Task);
                return JsonValue.Create($"offline {name.Replace('_', ' ')}: {Trim(basis, 80)}");
        }
    }

    /// <summary>A local <c>$ref</c> (<c>#/$defs/Item</c>, <c>#/definitions/Item</c>) inside the root schema; null for any other.</summary>
    static JsonElement? Resolve(JsonElement root, string? reference)
    {
        if (reference is null || !reference.StartsWith("#/", StringComparison.Ordinal))
        {
            return null;
        }

        var node = root;
        foreach (string part in reference[2..].Split('/'))
        {
            string key = part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(key, out node))
            {
                return null;
            }
        }

        return node;
    }

    static string Heading(PromptReading prompt)
    {
        string source = prompt.ExpectedOutput.Length > 0 ? prompt.ExpectedOutput : prompt.Task;
        string heading = FirstSentence(source).TrimEnd('.', ':');
        heading = LeadingArticle().Replace(heading, string.Empty);
        return Capitalize(Trim(heading, 80));
    }

    static string Elaboration(string point, PromptReading prompt)
    {
        string[] moves =
        [
            "assessed against the goal \"{0}\", with the main trade-offs noted",
            "broken down into concrete steps with owners and a checkpoint, in line with \"{0}\"",
            "covered with a recommendation and the evidence that supports it, toward \"{0}\"",
            "checked for risks and gaps, each paired with a mitigation, serving \"{0}\"",
        ];
        string goal = Trim(prompt.Goal.Length > 0 ? prompt.Goal : prompt.ExpectedOutput, 70);
        return string.Format(CultureInfo.InvariantCulture, moves[Math.Abs(Seed(point)) % moves.Length], goal);
    }

    /// <summary>The numbered or bulleted requirements of a task, or its first sentences when it has none.</summary>
    internal static IReadOnlyList<string> Requirements(string task)
    {
        // A task that quotes earlier work (a flow step's inputs, context pasted into the description) holds other
        // lists too; its own requirements are the last numbered list that starts at 1.
        var lines = task.Split('\n').Select(line => line.Trim()).ToList();
        int own = lines.FindLastIndex(line => line.StartsWith("1.", StringComparison.Ordinal) || line.StartsWith("1)", StringComparison.Ordinal));
        var listed = lines.Skip(Math.Max(own, 0))
            .Select(line => ListItem().Match(line))
            .TakeWhile(m => own < 0 || m.Success)
            .Where(m => m.Success)
            .Select(m => m.Groups[1].Value.Replace("**", string.Empty, StringComparison.Ordinal).Trim().TrimEnd('.'))
            .Where(s => s.Length > 0)
            .ToList();
        if (listed.Count > 0)
        {
            return listed;
        }

        // Folded YAML (description: >) joins a numbered list into one line: "1. a 2. b 3. c".
        var inline = InlineItem().Matches(task.Replace('\n', ' ')).Select(m => m.Groups[1].Value.Trim().TrimEnd('.')).Where(s => s.Length > 0).ToList();
        if (inline.Count > 1)
        {
            return inline;
        }

        return Sentence().Matches(task.Replace('\n', ' '))
            .Select(m => m.Value.Trim().TrimEnd('.'))
            .Where(s => s.Length > 3)
            .Take(4)
            .ToList();
    }

    internal static string FirstSentence(string text)
    {
        string flat = string.Join(' ', text.Split(['\n', '\r'], StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim())).Trim().Trim('"');

        // A description that opens a numbered list ("… for payments Requirements: 1. Define …") ends before the list.
        flat = ListOpening().Replace(flat, string.Empty).TrimEnd(' ', ':');
        var match = Sentence().Match(flat);
        return Trim(match.Success ? match.Value.Trim() : flat, 200);
    }

    /// <summary>Whether a line of an earlier answer can stand for it: not the offline marker, a heading, or the "As a …, I worked on" opener.</summary>
    static bool IsGistLine(string line) => !line.StartsWith('>') && !line.StartsWith('#') && !line.StartsWith("As a", StringComparison.Ordinal);

    internal static bool Mentions(string text, string phrase) => text.Contains(phrase, StringComparison.OrdinalIgnoreCase);

    internal static string Trim(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1).TrimEnd(), "…");

    static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    static string Article(string word) => word.Length > 0 && "AEIOUaeiou".Contains(word[0], StringComparison.Ordinal) ? "an" : "a";

    static string Singular(string name) => name.EndsWith('s') && name.Length > 1 ? name[..^1] : name;

    internal static int Seed(string text) => BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0);

    [GeneratedRegex(@"^(?:\d+[.)]|[-*•])\s+(.+)$")]
    private static partial Regex ListItem();

    [GeneratedRegex(@"(?:^|\s)\d+[.)]\s+(.+?)(?=\s+\d+[.)]\s|\s+[A-Z][^.]*:\s|$)")]
    private static partial Regex InlineItem();

    // A '.' inside a word (brief.md, v1.2, e.g.) does not end a sentence.
    [GeneratedRegex(@"(?:[^.!?]|[.!?](?=[^\s.!?]))+[.!?]?")]
    private static partial Regex Sentence();

    [GeneratedRegex(@"(?:\s+[A-Z][A-Za-z ]{0,30}:)?\s+1[.)]\s.*$")]
    private static partial Regex ListOpening();

    [GeneratedRegex(@"^(?:a|an|the)\s+", RegexOptions.IgnoreCase)]
    private static partial Regex LeadingArticle();

    /// <summary>The parts of a task prompt that shape an offline answer.</summary>
    internal sealed record PromptReading(string Role, string Goal, string Task, string ExpectedOutput, JsonElement? JsonSchema, IReadOnlyList<(string Task, string Author, string Gist)> ContextEntries)
    {
        public static PromptReading Read(string system, string user)
        {
            string role = LineAfter(system, PromptSections.Role)?.Split(". ")[0].TrimEnd('.') ?? "agent";
            string goal = LineAfter(system, PromptSections.Goal) ?? string.Empty;
            string task = Between(user, PromptSections.Task, [PromptSections.ExpectedOutput, PromptSections.Context, PromptSections.Begin, PlanningPrompt.PlanIntro]) ?? user;
            string expected = Between(user, PromptSections.ExpectedOutput, [PromptSections.CompleteAnswer, PromptSections.JsonSchema, PromptSections.Context, PromptSections.Begin]) ?? string.Empty;
            JsonElement? schema = null;
            if (Between(user, PromptSections.JsonSchema, [PromptSections.Context, PromptSections.Knowledge, PromptSections.Memory, PromptSections.Begin]) is { } schemaText)
            {
                try
                {
                    using var document = JsonDocument.Parse(schemaText);
                    schema = document.RootElement.Clone();
                }
                catch (JsonException)
                {
                    schema = null;
                }
            }

            var entries = new List<(string, string, string)>();
            if (Between(user, PromptSections.Context, [PromptSections.Knowledge, PromptSections.Memory, PromptSections.Begin]) is { } context)
            {
                // An entry starts at its "### task (Agent)" line; the answers' own "### " headings do not match it.
                var blocks = new List<(Match Header, List<string> Lines)>();
                foreach (string line in context.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var header = line.StartsWith(PromptSections.ContextEntry, StringComparison.Ordinal) ? ContextHeader().Match(line[PromptSections.ContextEntry.Length..]) : Match.Empty;
                    if (header.Success)
                    {
                        blocks.Add((header, []));
                    }
                    else if (blocks.Count > 0)
                    {
                        blocks[^1].Lines.Add(line);
                    }
                }

                foreach (var (header, lines) in blocks)
                {
                    string gist = lines
                        .Where(IsGistLine)
                        .Select(l => ListItem().Match(l) is { Success: true } item ? item.Groups[1].Value : l)
                        .Select(l => l.Replace("**", string.Empty, StringComparison.Ordinal))
                        .FirstOrDefault(l => l.Length > 10) ?? "its findings";
                    entries.Add((header.Groups[1].Value, header.Groups[2].Value, Trim(gist, 160)));
                }
            }

            return new PromptReading(role, goal, task, expected, schema, entries);
        }

        static string? LineAfter(string text, string marker)
        {
            int at = text.IndexOf(marker, StringComparison.Ordinal);
            if (at < 0)
            {
                return null;
            }

            string rest = text[(at + marker.Length)..];
            int end = rest.IndexOf('\n', StringComparison.Ordinal);
            return (end < 0 ? rest : rest[..end]).Trim();
        }

        static string? Between(string text, string start, string[] ends)
        {
            int at = text.IndexOf(start, StringComparison.Ordinal);
            if (at < 0)
            {
                return null;
            }

            at += start.Length;
            int end = ends.Select(e => text.IndexOf(e, at, StringComparison.Ordinal)).Where(i => i >= 0).DefaultIfEmpty(text.Length).Min();
            return text[at..end].Trim();
        }
    }

    [GeneratedRegex(@"^([A-Za-z0-9_\-]+) \((.+)\)$")]
    private static partial Regex ContextHeader();
}
