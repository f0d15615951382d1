using System.Globalization;
using System.Text;

namespace DurableCrews.Runs;

/// <summary>Renders a run's result as Markdown (<c>result.md</c>, and the CLI's final print).</summary>
public static class CrewOutputMarkdown
{
    /// <summary>The Markdown of a run's result: status, each task's output, and usage.</summary>
    public static string Render(CrewOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var md = new StringBuilder();
        var culture = CultureInfo.InvariantCulture;
        md.Append(culture, $"# {output.Crew} — run {output.RunId}\n\n");
        md.Append(culture, $"**Status:** {output.Status} · **Tasks:** {output.TasksOutput.Count} · **Duration:** {output.DurationSeconds:0.###} s · **Tokens:** {output.TokenUsage.TotalTokens}\n\n");
        if (output.Error is { } error)
        {
            md.Append(culture, $"> {error}\n\n");
        }

        foreach (var task in output.TasksOutput)
        {
            md.Append(culture, $"## {task.Index + 1}. {task.Name} — {task.Agent}\n\n");
            if (task.Context.Count > 0)
            {
                md.Append(culture, $"_Context from: {string.Join(", ", task.Context)}_\n\n");
            }

            md.Append(task.Raw.TrimEnd()).Append("\n\n");
        }

        return md.ToString();
    }
}
