using System.Globalization;
using DurableCrews.Orchestration.Crews;

namespace DurableCrews.Cli;

/// <summary>
/// The live view of a run on stderr: a line when a task starts (with its agent), when each of its delegations
/// starts (nested under it), when its agent runs tools, when it waits for a person, and when it finishes, with the elapsed time and tokens so far.
/// </summary>
internal sealed class ProgressDisplay(TextWriter stderr)
{
    readonly System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();
    readonly HashSet<string> seen = [];

    public void Show(CrewProgress progress)
    {
        foreach (var task in progress.Running)
        {
            if (seen.Add($"task:{task.Name}"))
            {
                Write($"  … [{task.Index + 1}/{progress.TasksTotal}] {task.Name} — {task.Agent}");
            }

            foreach (var delegation in task.Delegations.Where(d => seen.Add($"delegation:{d.Key}")))
            {
                Write($"      ↳ {delegation.Coworker} ({delegation.Key})");
            }

            // A tool is shown each time a turn starts it, not on every poll while it runs.
            string toolsKey = $"tools:{task.InstanceId ?? task.Name}:{string.Join(',', task.Tools)}";
            if (task.Tools.Count > 0 && seen.Add(toolsKey))
            {
                Write($"      ⚙ {string.Join(", ", task.Tools)}");
            }

            // Say so each time the task starts waiting, not on every poll while it waits.
            string waitKey = $"waiting:{task.InstanceId}";
            if (task.WaitingFor is { } waiting && seen.Add(waitKey))
            {
                Write($"      ⏸ {task.Name} waits for the '{waiting}' event on {task.InstanceId}");
            }
            else if (task.WaitingFor is null)
            {
                seen.Remove(waitKey);
            }
        }

        foreach (string name in progress.Finished.Where(name => seen.Add($"done:{name}")))
        {
            Write($"  ✔ {name} ({progress.TasksDone}/{progress.TasksTotal} done, {progress.Tokens} tokens so far)");
        }
    }

    void Write(string line) => stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds,6:0.0}s {line}"));
}
