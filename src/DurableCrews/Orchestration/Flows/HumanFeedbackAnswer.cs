using System.Text.Json;

namespace DurableCrews.Orchestration.Flows;

/// <summary>
/// A person's answer to a flow's <c>human_feedback</c> step, raised as the external event <see cref="EventName"/>:
/// <c>{"outcome": "approved", "feedback": "…"}</c>, or the outcome as a plain string.
/// </summary>
/// <param name="Outcome">The outcome chosen; null when the payload named none.</param>
/// <param name="Feedback">What the person wrote with it.</param>
public sealed record HumanFeedbackAnswer(string? Outcome, string? Feedback)
{
    /// <summary>The external event a human feedback step waits for.</summary>
    public const string EventName = "human_feedback";

    /// <summary>Reads the event's payload.</summary>
    public static HumanFeedbackAnswer Read(JsonElement payload) => payload.ValueKind switch
    {
        JsonValueKind.String => new HumanFeedbackAnswer(payload.GetString()?.Trim(), null),
        JsonValueKind.Object => new HumanFeedbackAnswer(
            payload.TryGetProperty("outcome", out var o) && o.ValueKind == JsonValueKind.String ? o.GetString()?.Trim() : null,
            payload.TryGetProperty("feedback", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null),
        _ => new HumanFeedbackAnswer(null, null),
    };
}
