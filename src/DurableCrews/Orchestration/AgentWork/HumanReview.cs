using System.Text.Json;

namespace DurableCrews.Orchestration.AgentWork;

/// <summary>
/// A person's answer to a task with <c>human_input</c>, raised as the external event <see cref="EventName"/>:
/// <c>{"approved": true}</c>, <c>{"feedback": "…"}</c>, or a plain string (empty, "approve", "approved", "ok" or "lgtm" approve; anything else is feedback).
/// </summary>
public sealed record HumanReview(bool Approved, string? Feedback)
{
    /// <summary>The external event a task waiting for a person listens for.</summary>
    public const string EventName = "human_input";

    static readonly string[] Approvals = ["", "approve", "approved", "ok", "okay", "lgtm", "yes"];

    /// <summary>Reads the event's payload.</summary>
    public static HumanReview Read(JsonElement payload)
    {
        switch (payload.ValueKind)
        {
            case JsonValueKind.String:
                return FromText(payload.GetString() ?? string.Empty);
            case JsonValueKind.Object:
                string? feedback = payload.TryGetProperty("feedback", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
                bool approved = payload.TryGetProperty("approved", out var a) && a.ValueKind == JsonValueKind.True;
                return approved || string.IsNullOrWhiteSpace(feedback) ? new HumanReview(true, null) : FromText(feedback);
            default:
                return new HumanReview(true, null);
        }
    }

    static HumanReview FromText(string text) =>
        Approvals.Contains(text.Trim().TrimEnd('.', '!').ToLowerInvariant()) ? new HumanReview(true, null) : new HumanReview(false, text.Trim());
}
