using System.Globalization;
using System.Text.Json;
using DurableCrews.Agents;
using DurableCrews.Definitions;
using DurableCrews.Runs;
using DurableCrews.Tests.Support;
using Microsoft.ML.Tokenizers;
using Xunit.Abstractions;

namespace DurableCrews.Tests.Agents;

/// <summary>
/// A task's prompt costs no more than CrewAI's for the same crew and answers, counted in o200k_base tokens (GPT-4o's):
/// CrewAI's prompt is built from its own templates (TestData/crewai-templates/en.json), ours by <see cref="PromptBuilder"/>.
/// The figures are printed and recorded in docs/benchmarks.md.
/// </summary>
public sealed class PromptTokenTests(ITestOutputHelper output)
{
    static readonly Tokenizer O200k = TiktokenTokenizer.CreateForEncoding("o200k_base");

    static readonly Dictionary<string, string> CrewAi = JsonSerializer.Deserialize<Dictionary<string, string>>(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "crewai-templates", "en.json")))!;

    // The same answer for every task in both frameworks: about 120 tokens of plain prose.
    static string AnswerOf(string task) =>
        $"Findings of {task}: the sources were listed with their owners, the schemas were compared field by field, " +
        "and three gaps were found in the event timestamps, the customer identifiers and the currency codes. " +
        "Each gap has a proposed fix, an owner and a test that shows it is closed. The next step is to run the " +
        "checks nightly and to report the failures to the owning team the same morning, with the rows that failed.";

    public static TheoryData<string> Crews => new() { "contextual-workflow", "job-posting" };

    static CrewDefinition Load(string crew)
    {
        string folder = crew == "contextual-workflow" ? Path.Combine(RepoPaths.Crews, crew) : CompatWithAssignments(crew);
        var loaded = CrewDefinitionLoader.Load(folder);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Problems));
        var inputs = CrewInputs.RequiredInputs(loaded.Definition!).ToDictionary(n => n, n => $"sample {n}");
        return CrewInputs.Interpolate(loaded.Definition!, inputs).Definition!;
    }

    static string CompatWithAssignments(string crew)
    {
        string folder = Path.Combine(Path.GetTempPath(), "durablecrews-tests", "tokens-" + crew);
        Directory.CreateDirectory(folder);
        foreach (string file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "TestData", "compat", crew)))
        {
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)), overwrite: true);
        }

        File.Copy(Path.Combine(AppContext.BaseDirectory, "TestData", "compat-assignments", crew, "crew.yaml"), Path.Combine(folder, "crew.yaml"), overwrite: true);
        return folder;
    }

    static int Tokens(string text) => O200k.CountTokens(text);

    /// <summary>CrewAI's messages for a task of a sequential crew whose agent has no tools: role_playing + no_tools, then the task slice.</summary>
    static (string System, string User) CrewAiPrompt(AgentDefinition agent, TaskDefinition task, IReadOnlyList<string> context)
    {
        string system = CrewAi["role_playing"].Replace("{role}", agent.Role, StringComparison.Ordinal).Replace("{backstory}", agent.Backstory, StringComparison.Ordinal).Replace("{goal}", agent.Goal, StringComparison.Ordinal)
            + CrewAi["no_tools"];
        string taskPrompt = task.Description + "\n" + CrewAi["expected_output"].Replace("{expected_output}", task.ExpectedOutput, StringComparison.Ordinal);
        if (context.Count > 0)
        {
            taskPrompt = CrewAi["task_with_context"].Replace("{task}", taskPrompt, StringComparison.Ordinal).Replace("{context}", string.Join(CrewAi["context_divider"], context), StringComparison.Ordinal);
        }

        return (system, CrewAi["task"].Replace("{input}", taskPrompt, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Crews))]
    public void Each_task_prompt_costs_no_more_tokens_than_CrewAI_s_and_starts_with_the_agent_s_stable_system_message(string name)
    {
        var crew = Load(name);
        var done = new List<TaskOutput>();
        int oursTotal = 0, theirsTotal = 0;
        var systems = new Dictionary<string, string>(StringComparer.Ordinal);
        output.WriteLine($"crew {name} (o200k_base tokens per task prompt: DurableCrews / CrewAI templates)");
        foreach (var task in crew.Tasks)
        {
            var agent = crew.FindAgent(task.Agent!)!;
            Assert.Empty(agent.Tools);
            var context = task.Context is null ? done.ToList() : done.Where(d => task.Context.Contains(d.Name)).ToList();
            var system = PromptBuilder.System(agent);
            var user = PromptBuilder.Task(task, context, offersTools: false);
            var (crewAiSystem, crewAiUser) = CrewAiPrompt(agent, task, context.Select(c => c.Raw).ToList());

            int ours = Tokens(system.Text) + Tokens(user.Text);
            int theirs = Tokens(crewAiSystem) + Tokens(crewAiUser);
            oursTotal += ours;
            theirsTotal += theirs;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {task.Name,-36} {ours,5} / {theirs,5} = {(double)ours / theirs:0.00}x  (system {Tokens(system.Text)}, same for every task of this agent)"));

            Assert.True(ours <= theirs, $"{name}/{task.Name}: {ours} tokens here, {theirs} in CrewAI");

            // The system message is the cacheable prefix: the same for every task of an agent, nothing of the task in it.
            Assert.Equal(systems.GetValueOrDefault(agent.Name, system.Text), system.Text);
            Assert.DoesNotContain(task.ExpectedOutput, system.Text, StringComparison.Ordinal);
            systems[agent.Name] = system.Text;
            Assert.DoesNotContain(PromptSections.Begin, user.Text, StringComparison.Ordinal);
            done.Add(new TaskOutput { Name = task.Name, Description = task.Description, Agent = agent.Role, Raw = AnswerOf(task.Name) });
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {"all tasks",-36} {oursTotal,5} / {theirsTotal,5} = {(double)oursTotal / theirsTotal:0.00}x"));
    }
}
