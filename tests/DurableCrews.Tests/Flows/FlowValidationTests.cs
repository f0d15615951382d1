using System.Text;
using DurableCrews.Definitions;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Flows;

/// <summary>A CrewAI-style flow is checked as a whole before anything starts; each mistake is named with its path.</summary>
public sealed class FlowValidationTests
{
    static FlowLoadResult Parse(string yaml)
    {
        var plain = new CrewBuilder().Agent("a").Task("only", "a").Build() with { Name = "c" };
        var json = new CrewBuilder().Agent("a").Task("only", "a", outputJson: """{"type": "object", "properties": {"n": {"type": "integer"}, "items": {"type": "array"}}}""").Build() with { Name = "j" };
        var crews = new[] { plain, json };
        return FlowDefinitionLoader.Parse(yaml, "flow", "flow.yaml", name => crews.Where(c => c.Name == name).Select(c => new CrewLoadResult { Definition = c }).FirstOrDefault());
    }

    [Theory]
    [InlineData("a: { crew: c, start: true }\n  b: { crew: c, listen: ghost }", "steps.b.listen", "no step or label named 'ghost'")]
    [InlineData("a: { crew: c, start: true }\n  b: { crew: c, depends_on: [a, ghost] }", "steps.b.depends_on[1]", "no step named 'ghost'")]
    [InlineData("a:\n    crew: c\n    router: [ { when: 'true', emit: nobody } ]", "steps.a.router[0].emit", "no step listens to 'nobody'")]
    [InlineData("a:\n    crew: c\n    router: [ { emit: b } ]\n  b: { crew: c, listen: a }", "steps.a.router[0].emit", "also a step's name")]
    [InlineData("a: { crew: c, start: true }\n  b: { crew: c, listen: d }\n  d: { crew: c, listen: b }", "steps.b", "unreachable")]
    [InlineData("a: { crew: c, start: true, listen: b }\n  b: { crew: c, listen: a }", "steps.a", "has no choice that ends it")]
    [InlineData("a: { crew: c, listen: b }\n  b: { crew: c, listen: a }", "steps", "no step starts the flow")]
    [InlineData("a:\n    crew: c\n    set: { x: 'state.n +' }", "steps.a.set.x", "at position")]
    [InlineData("a:\n    crew: c\n    router: [ { when: 'secret > 1', emit: b }, { emit: d } ]\n  b: { crew: c, listen: b_ }\n  d: { crew: c, listen: d }", "steps.a.router[0].when", "unknown name 'secret'")]
    [InlineData("a:\n    crew: c\n    set: { x: 'steps.ghost.output' }", "steps.a.set.x", "no step named 'ghost'")]
    [InlineData("a: { crew: c }\n  b: { crew: c, for_each: state.n }", "steps.b.for_each", "must give a list: state.n starts as number")]
    [InlineData("a: { crew: j }\n  b: { crew: c, for_each: steps.a.json.n }", "steps.b.for_each", "is a integer")]
    [InlineData("a: { crew: c }\n  b: { crew: c, for_each: 'steps.a.json.n +' }", "steps.b.for_each", "at position")]
    [InlineData("a:\n    crew: c\n    router: [ { emit: x }, { when: 'true', emit: y } ]\n  x: { crew: c, listen: x_ }\n  y: { crew: c, listen: y }", "steps.a.router[0]", "must come last")]
    [InlineData("a:\n    crew: c\n    inputs: { q: '{state.missing}' }", "steps.a.inputs.q", "no state field 'missing'")]
    [InlineData("a:\n    crew: c\n    inputs: { q: '{steps.ghost.output}' }", "steps.a.inputs.q", "no step named 'ghost'")]
    [InlineData("a: { crew: c, agent: { role: r, goal: g, backstory: b } }", "steps.a", "has crew and agent")]
    [InlineData("a: { start: true }", "steps.a", "required: one of crew")]
    [InlineData("a: { crew: c, max_iterations: 0 }", "steps.a.max_iterations", "from 1 to 1000")]
    [InlineData("h:\n    human_feedback: { message: ok?, outcomes: [yes, no], default: maybe, timeout: 5 }\n  y: { crew: c, listen: 'yes' }\n  n: { crew: c, listen: 'no' }", "steps.h.human_feedback.default", "not one of the outcomes")]
    [InlineData("h:\n    human_feedback: { message: ok?, outcomes: [yes], default: 'yes' }\n  y: { crew: c, listen: 'yes' }", "steps.h.human_feedback.default", "give a timeout")]
    [InlineData("a:\n    agent: { role: r, goal: g }\n    prompt: hi", "steps.a.agent.backstory", "required")]
    [InlineData("a: { crew: c, for_each: state.n, as: steps }", "steps.a.as", "cannot name the item")]
    [InlineData("a: { crew: c, prompt: hello }", "steps.a.prompt", "only an agent step takes prompt")]
    [InlineData("h:\n    for_each: state.n\n    human_feedback: { message: ok?, outcomes: [done] }", "steps.h.for_each", "asks once")]
    public void Each_mistake_in_a_flow_is_reported_with_its_path(string steps, string path, string message)
    {
        var result = Parse($"state: {{ n: 1 }}\nsteps:\n  {steps}\n");

        Assert.False(result.Succeeded);
        Assert.Contains(result.Problems, p => p.Path == path && p.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void More_steps_than_the_bound_are_refused()
    {
        var yaml = new StringBuilder("steps:\n");
        for (int i = 0; i <= FlowDefinition.MaxSteps; i++)
        {
            yaml.Append($"  s{i}: {{ crew: c, start: true }}\n");
        }

        var problem = Assert.Single(Parse(yaml.ToString()).Problems);

        Assert.Equal("steps", problem.Path);
    }

    [Fact]
    public void More_routes_than_the_bound_are_refused()
    {
        string routes = string.Join(", ", Enumerable.Range(0, FlowDefinition.MaxRoutes + 1).Select(i => $"{{ when: 'true', emit: l{i} }}"));

        var result = Parse($"steps:\n  a:\n    crew: c\n    router: [ {routes} ]\n");

        Assert.Contains(result.Problems, p => p.Path == "steps.a.router" && p.Message.Contains("at most 32", StringComparison.Ordinal));
    }

    [Fact]
    public void A_state_larger_than_the_bound_is_refused()
    {
        var result = Parse($"state: {{ big: '{new string('x', FlowDefinition.MaxStateBytes)}' }}\nsteps:\n  a: {{ crew: c }}\n");

        Assert.Contains(result.Problems, p => p.Path == "state" && p.Message.Contains("at most", StringComparison.Ordinal));
    }

    [Fact]
    public void A_loop_with_a_router_choice_on_it_is_accepted()
    {
        var result = Parse(
            """
            state: { n: 0 }
            steps:
              a: { crew: c, start: true, listen: again }
              b:
                crew: c
                listen: a
                set: { n: state.n + 1 }
                router: [ { when: state.n < 3, emit: again }, { emit: done } ]
              d: { crew: c, listen: done }
            """);

        Assert.Empty(result.Problems);
    }
}
