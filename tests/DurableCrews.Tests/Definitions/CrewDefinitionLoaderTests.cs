using System.Text.Json;
using DurableCrews.Definitions;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Definitions;

public sealed class CrewDefinitionLoaderTests : IDisposable
{
    readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    const string Everything = """
        name: full
        process: hierarchical
        manager_llm: azure/gpt-4o
        llm: offline
        memory: true
        cache: true
        max_rpm: 30
        max_execution_time: 300
        planning: true
        planning_llm: offline
        step_callback: https://hooks.example/step
        task_callback: https://hooks.example/task
        verbose: true
        embedder:
          provider: azure-openai
          config: { model: text-embedding-3-large, dimensions: 1536, chunk_size: 2000 }
        tools:
          search:
            kind: http
            description: Search the web
            url: https://search.example.com/q?q={query}
            parameters: { type: object, properties: { query: { type: string } }, required: [query] }
        agents:
          researcher:
            role: Researcher of {topic}
            goal: Find facts
            backstory: Curious
            llm: azure/gpt-4o-mini
            tools: [search]
            allow_delegation: true
            max_iter: 7
            max_rpm: 10
            max_execution_time: 60
            max_retry_limit: 4
            memory: false
            verbose: true
        tasks:
          research:
            description: Research {topic}
            expected_output: Facts
            agent: researcher
            output_json: { type: object, properties: { facts: { type: array } } }
            output_file: out/{topic}.md
            async_execution: true
            human_input: true
            guardrail: must cite sources
            guardrail_max_retries: 5
          write:
            description: Write
            expected_output: Text
            agent: researcher
            context: [research]
        """;

    [Fact]
    public void A_single_document_carries_every_CrewAI_field()
    {
        var result = CrewDefinitionLoader.Parse(Everything, "full");

        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        var crew = result.Definition!;
        Assert.Equal((CrewProcess.Hierarchical, "azure/gpt-4o", true, true, 30, 300, true), (crew.Process, crew.ManagerLlm, crew.Memory, crew.Cache, crew.MaxRpm, crew.MaxExecutionTime, crew.Planning));
        Assert.Equal(("https://hooks.example/step", "https://hooks.example/task"), (crew.StepCallback, crew.TaskCallback));
        Assert.Equal(("text-embedding-3-large", 1536, 2000), (crew.Embedder!.Model, crew.Embedder.Dimensions, crew.Embedder.ChunkSize));
        var agent = crew.Agents.Single();
        Assert.Equal(("azure/gpt-4o-mini", true, 7, 10, 60, 4, false, true), (agent.Llm, agent.AllowDelegation, agent.MaxIter, agent.MaxRpm, agent.MaxExecutionTime, agent.MaxRetryLimit, agent.Memory, agent.Verbose));
        Assert.Equal(["search"], agent.Tools);
        var task = crew.Tasks[0];
        Assert.Equal(("out/{topic}.md", true, true, "must cite sources", 5), (task.OutputFile, task.AsyncExecution, task.HumanInput, task.Guardrail, task.GuardrailMaxRetries));
        Assert.Equal(JsonValueKind.Object, task.OutputJson!.Value.ValueKind);
        Assert.Equal(["research"], crew.Tasks[1].Context);
    }

    [Fact]
    public void The_same_crew_as_JSON_loads_the_same()
    {
        var yaml = CrewDefinitionLoader.Parse(Everything, "full").Definition!;
        string json = JsonSerializer.Serialize(new YamlDotNet.Serialization.DeserializerBuilder().Build().Deserialize<object>(Everything));

        var fromJson = CrewDefinitionLoader.Parse(json, "full", "crew.json");

        Assert.True(fromJson.Succeeded, string.Join("\n", fromJson.Problems));
        Assert.Equal(JsonSerializer.Serialize(yaml with { Tasks = [] }), JsonSerializer.Serialize(fromJson.Definition! with { Tasks = [] }));
        Assert.Equal(yaml.Tasks.Select(t => (t.Name, t.Agent, t.Guardrail)), fromJson.Definition!.Tasks.Select(t => (t.Name, t.Agent, t.Guardrail)));
    }

    [Fact]
    public void A_crew_yaml_beside_agents_and_tasks_adds_crew_settings_and_assignments()
    {
        File.WriteAllText(Path.Combine(folder.Path, "agents.yaml"), "writer:\n  role: Writer\n  goal: Write\n  backstory: B\n");
        File.WriteAllText(Path.Combine(folder.Path, "tasks.yaml"), "draft:\n  description: Draft it\n  expected_output: A draft\n");
        File.WriteAllText(Path.Combine(folder.Path, "crew.yaml"), "name: overlay\nmax_rpm: 5\ncache: true\nagents:\n  writer:\n    max_iter: 3\ntasks:\n  draft:\n    agent: writer\n");

        var result = CrewDefinitionLoader.Load(folder.Path);

        Assert.True(result.Succeeded, string.Join("\n", result.Problems));
        Assert.Equal(("overlay", 5, true), (result.Definition!.Name, result.Definition.MaxRpm, result.Definition.Cache));
        Assert.Equal(3, result.Definition.Agents.Single().MaxIter);
        Assert.Equal("writer", result.Definition.Tasks.Single().Agent);
    }

    [Fact]
    public void Every_mistake_is_listed_with_its_path()
    {
        var result = CrewDefinitionLoader.Parse(
            """
            max_rpm: fast
            agents:
              writer:
                role: Writer
                goal: Write
                max_iter: 0
            tasks:
              write_brief:
                description: Brief
                expected_output: A brief
                agent: writer
                context: [size_market]
                colour: blue
              review:
                description: Review
                agent: nobody
            """,
            "mistakes");

        Assert.False(result.Succeeded);
        var paths = result.Problems.Select(p => p.Path).ToList();
        Assert.Contains("max_rpm", paths.Select(p => p[(p.LastIndexOf('.') + 1)..]));
        Assert.Contains(paths, p => p.EndsWith("agents.writer.backstory", StringComparison.Ordinal));
        Assert.Contains(paths, p => p.EndsWith("agents.writer.max_iter", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.Path.EndsWith("tasks.write_brief.context[0]", StringComparison.Ordinal) && p.Message.Contains("no task named 'size_market'", StringComparison.Ordinal));
        Assert.Contains(paths, p => p.EndsWith("tasks.write_brief.colour", StringComparison.Ordinal));
        Assert.Contains(paths, p => p.EndsWith("tasks.review.expected_output", StringComparison.Ordinal));
        Assert.Contains(paths, p => p.EndsWith("tasks.review.agent", StringComparison.Ordinal));
        Assert.True(result.Problems.Count >= 7, string.Join("\n", result.Problems));
    }

    [Fact]
    public void Placeholders_are_filled_in_every_text_CrewAI_fills_and_JSON_braces_are_left_alone()
    {
        var crew = CrewDefinitionLoader.Parse(
            """
            agents:
              a:
                role: "{topic} researcher"
                goal: "Study {topic}"
                backstory: "Knows {topic}"
            tasks:
              t:
                description: 'Research {topic}. Reply like {"name": "x"} or { spaced } or {{doubled}}.'
                expected_output: "Facts about {topic}"
                output_file: "reports/{topic}.md"
                agent: a
            """,
            "interp").Definition!;

        var filled = CrewInputs.Interpolate(crew, new Dictionary<string, string> { ["topic"] = "payments" });

        Assert.True(filled.Succeeded, string.Join("\n", filled.Problems));
        var agent = filled.Definition!.Agents.Single();
        var task = filled.Definition.Tasks.Single();
        Assert.Equal(("payments researcher", "Study payments", "Knows payments"), (agent.Role, agent.Goal, agent.Backstory));
        Assert.Equal("Research payments. Reply like {\"name\": \"x\"} or { spaced } or {{doubled}}.", task.Description);
        Assert.Equal(("Facts about payments", "reports/payments.md"), (task.ExpectedOutput, task.OutputFile));
    }

    [Fact]
    public void A_missing_input_is_an_error_that_names_it_once()
    {
        var crew = new CrewBuilder().Agent("a").Task("t", "a").Build().WithTask("t", t => t with { Description = "about {topic}", ExpectedOutput = "more {topic}" });

        var filled = CrewInputs.Interpolate(crew, new Dictionary<string, string>());

        var problem = Assert.Single(filled.Problems);
        Assert.Equal("inputs.topic", problem.Path);
        Assert.Contains("tasks.t.description uses {topic}", problem.Message, StringComparison.Ordinal);
    }
}
