namespace DurableCrews.Reports;

/// <summary>What a model costs per thousand tokens, in the currency of your choice (USD in the samples).</summary>
public sealed record ModelPrice
{
    /// <summary>Nothing: the offline model.</summary>
    public static ModelPrice Free { get; } = new();

    /// <summary>Per 1,000 prompt tokens.</summary>
    public decimal PromptPer1K { get; init; }

    /// <summary>Per 1,000 completion tokens.</summary>
    public decimal CompletionPer1K { get; init; }

    /// <summary>The cost of <paramref name="prompt"/> and <paramref name="completion"/> tokens.</summary>
    public decimal Cost(long prompt, long completion) => (prompt * PromptPer1K + completion * CompletionPer1K) / 1000m;
}
