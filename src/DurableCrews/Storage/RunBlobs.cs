using System.Globalization;
using DurableCrews.Definitions;

namespace DurableCrews.Storage;

/// <summary>
/// The names of a run's blobs in the <c>crew-runs</c> container, in the layout ARCHITECTURE.md gives:
/// <c>{runId}/run.json</c>, <c>tasks/{nn}-{task}.json</c>, <c>transcripts/{nn}-{task}.json</c>, <c>work/…</c>,
/// <c>files/…</c>, <c>result.json</c> and <c>result.md</c>. Every name checks its run id.
/// </summary>
public static class RunBlobs
{
    /// <summary>The blob name of a run's request.</summary>
    public static string RunBlob(string runId) => $"{Checked(runId)}/run.json";

    /// <summary>The blob name of a task's output.</summary>
    public static string TaskBlob(string runId, int index, string task) => $"{Checked(runId)}/tasks/{Prefix(index)}-{task}.json";

    /// <summary>The blob name of a task's transcript (the messages sent and the answer).</summary>
    public static string TranscriptBlob(string runId, int index, string task) => $"{Checked(runId)}/transcripts/{Prefix(index)}-{task}.json";

    /// <summary>The blob name of a run's result.</summary>
    public static string ResultBlob(string runId) => $"{Checked(runId)}/result.json";

    /// <summary>The blob name of a run's result as Markdown.</summary>
    public static string ResultMarkdownBlob(string runId) => $"{Checked(runId)}/result.md";

    /// <summary>The blob name of an agent's work in progress (<c>t3</c>, <c>t3/d1</c>).</summary>
    public static string WorkBlob(string runId, string key) => $"{Checked(runId)}/work/{key}.json";

    /// <summary>The blob name of the answer to a delegation, found by the hash of what was asked.</summary>
    public static string DelegationAnswerBlob(string runId, string hash) => $"{Checked(runId)}/delegations/{hash}.json";

    /// <summary>The blob name of the run's model request log, shared by every branch for rate limits.</summary>
    public static string RateLimitBlob(string runId) => $"{Checked(runId)}/rate-limits.json";

    /// <summary>The blob name of a tool call's stored result: call <paramref name="index"/> of turn <paramref name="turn"/> of work <paramref name="key"/>.</summary>
    public static string ToolCallBlob(string runId, string key, int turn, int index) =>
        $"{Checked(runId)}/tools/{key}/{turn.ToString(CultureInfo.InvariantCulture)}-{index.ToString(CultureInfo.InvariantCulture)}.json";

    /// <summary>The blob name of a flow run's request.</summary>
    public static string FlowBlob(string runId) => $"{Checked(runId)}/flow.json";

    /// <summary>The blob name of a flow run's state and step record (<see cref="Orchestration.Flows.FlowStateRecord"/>).</summary>
    public static string FlowStateBlob(string runId) => $"{Checked(runId)}/state.json";

    /// <summary>The blob name of what a flow knew right before run <paramref name="iteration"/> of <paramref name="step"/>.</summary>
    public static string FlowSnapshotBlob(string runId, string step, int iteration) =>
        $"{Checked(runId)}/snapshots/{step}.{iteration.ToString(CultureInfo.InvariantCulture)}.json";

    static string Prefix(int index) => index.ToString("00", CultureInfo.InvariantCulture);

    /// <summary>The run id, checked to be one (or a flow step run's).</summary>
    internal static string Checked(string runId) =>
        DefinitionNames.IsValidRunReference(runId) ? runId : throw new ArgumentException($"'{runId}' is not a valid run id: it {DefinitionNames.Rule(DefinitionNames.MaxRunIdLength)}.", nameof(runId));
}
