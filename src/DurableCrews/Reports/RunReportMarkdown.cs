using System.Globalization;
using System.Text;

namespace DurableCrews.Reports;

/// <summary>A run report as Markdown, for terminals and for pasting.</summary>
public static class RunReportMarkdown
{
    /// <summary>Renders the report.</summary>
    public static string Render(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var md = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        md.Append(c, $"# Run {report.RunId}: {report.Crew}\n\n");
        md.Append(c, $"**{report.Status}** in {report.DurationSeconds:0.###} s · {report.TokenUsage.TotalTokens} tokens ({report.TokenUsage.CachedPromptTokens} prompt tokens from the provider's cache, {report.TokenUsage.SuccessfulRequests} model requests, {report.TokenUsage.CacheHits} cache hits, {report.TokenUsage.CacheMisses} misses) · cost {Money(report.Cost)} · {report.CharsPerSecond:0.#} chars/s\n\n");
        if (report.Error is { } error)
        {
            md.Append(c, $"> {error}\n\n");
        }

        if (report.Steps.Count > 0)
        {
            md.Append("## Flow steps\n\n| step | iteration | items | outcome | from s | to s |\n| --- | --- | ---: | --- | ---: | ---: |\n");
            foreach (var s in report.Steps)
            {
                md.Append(c, $"| {Cell(s.Step)} | {s.IterationText} | {s.Items} | {Cell(s.Outcome ?? string.Empty)} | {s.StartSeconds:0.###} | {s.EndSeconds:0.###} |\n");
            }

            md.Append('\n');
        }

        md.Append("## Tasks\n\n| task | agent | model | s | tokens | cost | cache hits | delegations | retries | waited s | output chars |\n| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        foreach (var t in report.Tasks)
        {
            md.Append(c, $"| {Cell(t.Skipped is null ? t.Name : $"{t.Name} (skipped)")} | {Cell(t.Agent)} | {Cell(t.Model ?? "?")} | {t.DurationSeconds:0.###} | {t.Tokens} | {Money(t.Cost)} | {t.CacheHits} | {t.Delegations} | {t.Retries} | {t.WaitSeconds:0.###} | {t.OutputCharacters} |\n");
        }

        md.Append("\n## Agents\n\n| agent | tasks | delegations answered | busy s | tokens |\n| --- | ---: | ---: | ---: | ---: |\n");
        foreach (var a in report.Agents)
        {
            md.Append(c, $"| {Cell(a.Agent)} | {a.Tasks} | {a.Delegations} | {a.BusySeconds:0.###} | {a.Tokens} |\n");
        }

        if (report.Tools.Count > 0)
        {
            md.Append("\n## Tools\n\n| tool | calls | failed | cached | s | bytes |\n| --- | ---: | ---: | ---: | ---: | ---: |\n");
            foreach (var t in report.Tools)
            {
                md.Append(c, $"| {Cell(t.Tool)} | {t.Calls} | {t.Failed} | {t.Cached} | {t.Seconds:0.###} | {t.Bytes} |\n");
            }
        }

        md.Append("\n## Timeline\n\n```\n");
        double end = Math.Max(report.DurationSeconds, report.Timeline.Select(b => b.EndSeconds).DefaultIfEmpty(0).Max());
        const int Width = 50;
        foreach (var bar in report.Timeline)
        {
            int from = (int)Math.Round(bar.StartSeconds / end * Width);
            int to = Math.Max(from + 1, (int)Math.Round(bar.EndSeconds / end * Width));
            string label = new string(' ', bar.Depth * 2) + bar.Label;
            label = label.Length > 34 ? label[..33] + "…" : label;
            md.Append(c, $"{label,-34} |{new string(' ', from)}{new string(bar.Kind switch { "task" or "step" => '█', "item" => '▓', "tool" => '░', _ => '▒' }, to - from)}{new string(' ', Math.Max(0, Width - to))}| {bar.StartSeconds:0.00}–{bar.EndSeconds:0.00} s\n");
        }

        md.Append("```\n");
        if (report.Warnings.Count > 0)
        {
            md.Append("\n## Warnings\n\n");
            foreach (string warning in report.Warnings)
            {
                md.Append("- ⚠ ").Append(warning.Replace('\n', ' ')).Append('\n');
            }
        }

        return md.ToString();
    }

    static string Money(decimal? cost) => cost is { } value ? value.ToString("0.0000", CultureInfo.InvariantCulture) : "unpriced";

    static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace('\n', ' ');
}
