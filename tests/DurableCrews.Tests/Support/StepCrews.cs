namespace DurableCrews.Tests.Support;

/// <summary>A sequential crew of one worker doing steps in order (<c>step_one</c>: "Do step one", …), as the durability tests use it.</summary>
public static class StepCrews
{
    static readonly string[] Numbers = ["one", "two", "three", "four", "five", "six"];

    /// <summary>The crew's YAML with <paramref name="steps"/> steps (1 to 6).</summary>
    public static string Sequential(int steps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(steps, Numbers.Length);
        var tasks = Numbers.Take(steps).Select(n =>
            $"  step_{n}: {{ description: Do step {n}, expected_output: Step {n} done, agent: worker }}\n");
        return "agents:\n  worker:\n    role: Worker\n    goal: Finish each step\n    backstory: Steady\ntasks:\n" + string.Concat(tasks);
    }
}
