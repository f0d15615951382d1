using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace DurableCrews.Reports;

/// <summary>
/// A run report as one self-contained HTML page: inline CSS and an inline SVG Gantt chart of the tasks and their
/// delegations over time, no scripts or outside assets. Every text from the run is HTML-encoded.
/// </summary>
public static class RunReportHtml
{
    const int ChartWidth = 760;
    const int LabelWidth = 300;
    const int RowHeight = 24;

    /// <summary>Renders the report.</summary>
    public static string Render(RunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var c = CultureInfo.InvariantCulture;
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.Append(c, $"<title>Run {E(report.RunId)}: {E(report.Crew)}</title>");
        html.Append("""
            <style>
            body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:24px;color:#1b1f24;background:#fff}
            h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
            .summary{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}
            .card{border:1px solid #d0d7de;border-radius:8px;padding:10px 14px;min-width:120px}
            .card b{display:block;font-size:20px}.card span{color:#57606a;font-size:12px}
            table{border-collapse:collapse;font-size:13px}th,td{border-bottom:1px solid #d8dee4;padding:5px 10px;text-align:left}
            td.n,th.n{text-align:right}.status-Completed{color:#1a7f37}.status-Failed,.status-TimedOut,.status-Terminated{color:#cf222e}
            .error{background:#ffebe9;border:1px solid #ff8182;padding:8px 12px;border-radius:6px}
            svg text{font-size:12px;font-family:inherit}.bar.task{fill:#0969da}.bar.delegation{fill:#8250df}.bar.tool{fill:#bf8700}.bar.step{fill:#1a7f37}.bar.item{fill:#0969da}.grid{stroke:#d8dee4}
            </style></head><body>
            """);
        html.Append(c, $"<h1>Run {E(report.RunId)}</h1><div>Crew <b>{E(report.Crew)}</b> · <span class=\"status-{report.Status}\">{report.Status}</span> · started {report.StartedAt:u}</div>");
        if (report.Error is { } error)
        {
            html.Append(c, $"<p class=\"error\">{E(error)}</p>");
        }

        html.Append("<div class=\"summary\">");
        Card(html, $"{report.DurationSeconds:0.###} s", "duration");
        Card(html, $"{report.TokenUsage.TotalTokens}", "tokens");
        Card(html, $"{report.TokenUsage.CachedPromptTokens}", "cached prompt tokens");
        Card(html, $"{report.TokenUsage.SuccessfulRequests}", "model requests");
        Card(html, $"{report.TokenUsage.CacheHits} / {report.TokenUsage.CacheMisses}", "cache hits / misses");
        Card(html, report.Cost is { } cost ? cost.ToString("0.0000", c) : "unpriced", "estimated cost");
        Card(html, $"{report.CharsPerSecond:0.#}", "chars per second");
        Card(html, $"{report.Timeline.Count(b => b.Kind == "delegation")}", "delegations");
        Card(html, $"{report.Tools.Sum(t => t.Calls)}", "tool calls");
        html.Append("</div>");

        html.Append("<h2>Timeline</h2>");
        Gantt(html, report);

        if (report.Steps.Count > 0)
        {
            html.Append("<h2>Flow steps</h2><table><tr><th>step</th><th>iteration</th><th class=n>items</th><th>outcome</th><th class=n>from s</th><th class=n>to s</th></tr>");
            foreach (var s in report.Steps)
            {
                html.Append(c, $"<tr><td>{E(s.Step)}</td><td>{E(s.IterationText)}</td><td class=n>{s.Items}</td><td>{E(s.Outcome ?? string.Empty)}</td><td class=n>{s.StartSeconds:0.###}</td><td class=n>{s.EndSeconds:0.###}</td></tr>");
            }

            html.Append("</table>");
        }

        html.Append("<h2>Tasks</h2><table><tr><th>task</th><th>agent</th><th>model</th><th class=n>s</th><th class=n>tokens</th><th class=n>cost</th><th class=n>cache hits</th><th class=n>delegations</th><th class=n>retries</th><th class=n>waited s</th><th class=n>output chars</th></tr>");
        foreach (var t in report.Tasks)
        {
            html.Append(c, $"<tr><td>{E(t.Skipped is null ? t.Name : $"{t.Name} (skipped)")}</td><td>{E(t.Agent)}</td><td>{E(t.Model ?? "?")}</td><td class=n>{t.DurationSeconds:0.###}</td><td class=n>{t.Tokens}</td><td class=n>{(t.Cost is { } v ? v.ToString("0.0000", c) : "unpriced")}</td><td class=n>{t.CacheHits}</td><td class=n>{t.Delegations}</td><td class=n>{t.Retries}</td><td class=n>{t.WaitSeconds:0.###}</td><td class=n>{t.OutputCharacters}</td></tr>");
        }

        html.Append("</table><h2>Agents</h2><table><tr><th>agent</th><th class=n>tasks</th><th class=n>delegations answered</th><th class=n>busy s</th><th class=n>tokens</th></tr>");
        foreach (var a in report.Agents)
        {
            html.Append(c, $"<tr><td>{E(a.Agent)}</td><td class=n>{a.Tasks}</td><td class=n>{a.Delegations}</td><td class=n>{a.BusySeconds:0.###}</td><td class=n>{a.Tokens}</td></tr>");
        }

        if (report.Tools.Count > 0)
        {
            html.Append("</table><h2>Tools</h2><table><tr><th>tool</th><th class=n>calls</th><th class=n>failed</th><th class=n>cached</th><th class=n>s</th><th class=n>bytes</th></tr>");
            foreach (var t in report.Tools)
            {
                html.Append(c, $"<tr><td>{E(t.Tool)}</td><td class=n>{t.Calls}</td><td class=n>{t.Failed}</td><td class=n>{t.Cached}</td><td class=n>{t.Seconds:0.###}</td><td class=n>{t.Bytes}</td></tr>");
            }
        }

        html.Append("</table>");
        if (report.Warnings.Count > 0)
        {
            html.Append("<h2>Warnings</h2><ul>");
            foreach (string warning in report.Warnings)
            {
                html.Append(c, $"<li>⚠ {E(warning)}</li>");
            }

            html.Append("</ul>");
        }

        html.Append("</body></html>\n");
        return html.ToString();
    }

    static void Gantt(StringBuilder html, RunReport report)
    {
        var c = CultureInfo.InvariantCulture;
        double end = Math.Max(report.DurationSeconds, report.Timeline.Select(b => b.EndSeconds).DefaultIfEmpty(0).Max());
        int height = (report.Timeline.Count + 1) * RowHeight + 10;
        html.Append(c, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{LabelWidth + ChartWidth + 20}\" height=\"{height}\" role=\"img\" aria-label=\"Timeline of tasks, delegations, flow steps and items\">");
        for (int tick = 0; tick <= 4; tick++)
        {
            double x = LabelWidth + ChartWidth * tick / 4.0;
            html.Append(c, $"<line class=\"grid\" x1=\"{x:0.#}\" y1=\"0\" x2=\"{x:0.#}\" y2=\"{height - RowHeight}\"/><text x=\"{x:0.#}\" y=\"{height - 6}\" text-anchor=\"middle\">{end * tick / 4:0.##} s</text>");
        }

        int row = 0;
        foreach (var bar in report.Timeline)
        {
            double x = LabelWidth + bar.StartSeconds / end * ChartWidth;
            double width = Math.Max(2, (bar.EndSeconds - bar.StartSeconds) / end * ChartWidth);
            double y = row * RowHeight + 4;
            string label = bar.Label.Length > 40 ? bar.Label[..39] + "…" : bar.Label;
            html.Append(c, $"<text x=\"{6 + bar.Depth * 14}\" y=\"{y + 14:0.#}\">{E(label)}</text>");
            string facts = (bar.Item is { } item ? $" data-item=\"{item}\"" : string.Empty) + (bar.Iteration is { } iteration ? $" data-iteration=\"{iteration}\"" : string.Empty);
            html.Append(c, $"<rect class=\"bar {bar.Kind}\"{facts} data-label=\"{E(bar.Label)}\" data-agent=\"{E(bar.Agent)}\" data-start=\"{bar.StartSeconds:0.###}\" data-end=\"{bar.EndSeconds:0.###}\" x=\"{x:0.##}\" y=\"{y:0.#}\" width=\"{width:0.##}\" height=\"{RowHeight - 8}\" rx=\"3\"><title>{E(bar.Agent)}: {E(bar.Label)} ({bar.StartSeconds:0.##}–{bar.EndSeconds:0.##} s)</title></rect>");
            row++;
        }

        html.Append("</svg>");
    }

    static void Card(StringBuilder html, string value, string label) =>
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"card\"><b>{E(value)}</b><span>{E(label)}</span></div>");

    static string E(string text) => HtmlEncoder.Default.Encode(text);
}
