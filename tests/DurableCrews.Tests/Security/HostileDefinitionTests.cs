using System.Text;
using DurableCrews.Definitions;
using Microsoft.Extensions.DependencyInjection;

namespace DurableCrews.Tests.Security;

/// <summary>Crew documents written to hurt the parser or slip past validation: each is refused with its path, nothing thrown.</summary>
public sealed class HostileDefinitionTests
{
    const string Agents = """
        agents:
          writer:
            role: Writer
            goal: Write
            backstory: Writes
        """;

    static string Crew(string taskFields, string agents = Agents) => $$"""
        {{agents}}
        tasks:
          draft:
            description: Draft it
            expected_output: A draft
            agent: writer
        {{taskFields}}
        """;

    static IReadOnlyList<DefinitionProblem> ProblemsOf(string text)
    {
        var result = CrewDefinitionLoader.Parse(text, "hostile");
        Assert.False(result.Succeeded, "the document should have been refused");
        return result.Problems;
    }

    [Fact]
    public void Fifty_thousand_open_brackets_are_refused_with_their_position_instead_of_overflowing_the_stack()
    {
        string text = new string('[', 50_000) + new string(']', 50_000);

        var problem = Assert.Single(ProblemsOf(text));

        Assert.Contains($"deeper than {YamlDocumentReader.MaxDepth}", problem.Message);
        Assert.Equal($"crew.yaml:1:{YamlDocumentReader.MaxDepth + 1}", problem.Location);
    }

    [Fact]
    public void Deeply_nested_block_mappings_are_refused()
    {
        var text = new StringBuilder("name: deep\nx:\n");
        for (int level = 1; level < 200; level++)
        {
            text.Append(' ', level * 2).Append("k:\n");
        }

        Assert.Contains(ProblemsOf(text.ToString()), p => p.Message.Contains("deeper than"));
    }

    [Fact]
    public void An_alias_bomb_inside_output_json_is_refused_by_the_node_budget()
    {
        var bomb = new StringBuilder("    output_json:\n      a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i <= 9; i++)
        {
            bomb.Append($"      a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]\n");
        }

        var problem = Assert.Single(ProblemsOf(Crew(bomb.ToString())));

        Assert.Contains("once its aliases are expanded", problem.Message);
    }

    [Fact]
    public void A_small_alias_that_stays_within_the_budget_is_still_read()
    {
        string text = Crew("""
                output_json:
                  type: object
                  properties:
                    a: &text { type: string }
                    b: *text
            """);

        var result = CrewDefinitionLoader.Parse(text, "aliases");

        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        Assert.Equal("string", result.Definition!.Tasks[0].OutputJson!.Value.GetProperty("properties").GetProperty("b").GetProperty("type").GetString());
    }

    [Fact]
    public void An_unclosed_flow_sequence_is_a_problem_with_its_line()
    {
        string text = "agents:\n  writer:\n    role: [Writer\n    goal: Write\n    backstory: B\ntasks: {}\n";

        var problem = Assert.Single(ProblemsOf(text));

        Assert.Contains("is not valid YAML or JSON", problem.Message);
        Assert.StartsWith("crew.yaml:", problem.Location);
    }

    [Fact]
    public void A_non_scalar_key_in_output_json_is_a_problem_with_its_path()
    {
        var problems = ProblemsOf(Crew("""
                output_json:
                  ? [a, b]
                  : value
            """));

        Assert.Contains(problems, p => p.Path.EndsWith("tasks.draft.output_json", StringComparison.Ordinal) && p.Message.Contains("plain text"));
    }

    [Fact]
    public void Output_json_deeper_than_json_allows_is_a_problem_not_an_exception()
    {
        var schema = new StringBuilder("    output_json:\n");
        for (int level = 0; level < 63; level++)
        {
            schema.Append(' ', 6 + (level * 2)).Append("k:\n");
        }

        schema.Append(' ', 6 + (63 * 2)).Append("v: 1\n");

        var problems = ProblemsOf(Crew(schema.ToString()));

        Assert.Contains(problems, p => p.Message.Contains("deeper than"));
    }

    [Fact]
    public void A_second_yaml_document_is_refused()
    {
        var problem = Assert.Single(ProblemsOf(Crew(string.Empty) + "---\nname: other\n"));

        Assert.Contains("2 YAML documents", problem.Message);
    }

    [Fact]
    public void A_language_object_tag_is_refused_with_its_position()
    {
        var problem = Assert.Single(ProblemsOf("!!python/object:os.system\nagents: {}\n"));

        Assert.Contains("tag:yaml.org,2002:python/object:os.system", problem.Message);
        Assert.Equal("crew.yaml:1:1", problem.Location);
    }

    [Theory]
    [InlineData("writer.v2", "'writer.v2'")]
    [InlineData("../a1", "'../a1'")]
    public void Agent_names_are_reported_exactly_as_written(string name, string quoted)
    {
        string agents = $"agents:\n  \"{name}\":\n    role: R\n    goal: G\n    backstory: B\n";

        var problems = ProblemsOf(Crew(string.Empty, agents).Replace("agent: writer", $"agent: \"{name}\"", StringComparison.Ordinal));

        Assert.Contains(problems, p => p.Message.Contains($"the name {quoted}"));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("sub/")]
    [InlineData("a\\\\b.md")]
    [InlineData("nul\\0.md")]
    [InlineData("C:/x.md")]
    public void Output_files_that_leave_the_run_folder_or_name_no_file_are_refused(string path)
    {
        var problems = ProblemsOf(Crew($"    output_file: \"{path}\"\n"));

        Assert.Contains(problems, p => p.Path.EndsWith("tasks.draft.output_file", StringComparison.Ordinal));
    }

    [Fact]
    public void An_output_file_of_ten_thousand_characters_is_refused()
    {
        var problems = ProblemsOf(Crew($"    output_file: {new string('a', 10_000)}.md\n"));

        Assert.Contains(problems, p => p.Path.EndsWith("tasks.draft.output_file", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("./report.md", "report.md")]
    [InlineData("output/./report.md", "output/report.md")]
    [InlineData("reports/{topic}.md", "reports/{topic}.md")]
    public void Output_files_are_normalised(string written, string normalised)
    {
        var result = CrewDefinitionLoader.Parse(Crew($"    output_file: \"{written}\"\n"), "files");

        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        Assert.Equal(normalised, result.Definition!.Tasks[0].OutputFile);
    }

    [Fact]
    public void An_unknown_embedder_provider_is_refused_with_the_known_ones()
    {
        // Whether a name is a provider or a model endpoint is the settings' to say, so the check is made against them.
        var crew = CrewDefinitionLoader.Parse("embedder: {provider: unknown, config: {model: m}}\n" + Crew(string.Empty), "hostile").Definition!;

        string? problem = Support.ModelSettings.Services().GetRequiredService<DurableCrews.Models.IEmbedderProvider>().Problem(crew.Embedder!);

        Assert.Contains("'unknown' is neither a model provider (offline", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_embedder_provider_that_cannot_be_a_name_is_refused_when_read()
    {
        var problem = Assert.Single(ProblemsOf("embedder: {provider: \"../x\"}\n" + Crew(string.Empty)));

        Assert.Equal("crew.embedder.provider", problem.Path);
        Assert.Contains("offline", problem.Message);
    }
}
