using DurableCrews.Configuration;

namespace DurableCrews.Reports;

/// <summary>Model prices for the run report's cost estimate, bound from <c>DurableCrews:Pricing</c>. Offline costs nothing.</summary>
public sealed record PricingOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "DurableCrews:Pricing";

    /// <summary>
    /// Prices by model, keyed by the model as runs record it (<c>azure-openai/gpt-4o</c>) or by its name alone
    /// (<c>gpt-4o</c>). A model without a price is reported as unpriced, not as free.
    /// </summary>
    public IDictionary<string, ModelPrice> Models { get; init; } = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The price of <paramref name="model"/>: zero for the offline model, null when it has none.</summary>
    public ModelPrice? PriceOf(string? model)
    {
        if (model is null || model.StartsWith("offline", StringComparison.Ordinal))
        {
            return model is null ? null : ModelPrice.Free;
        }

        if (Models.TryGetValue(model, out var price))
        {
            return price;
        }

        int slash = model.IndexOf('/', StringComparison.Ordinal);
        return slash >= 0 && Models.TryGetValue(model[(slash + 1)..], out var byName) ? byName : null;
    }

    /// <summary>The rules these settings must keep, checked when the host starts (by <see cref="OptionsValidator{TOptions}"/>).</summary>
    public static void Check(PricingOptions options, OptionsProblems problems)
    {
        foreach (var (model, price) in options.Models)
        {
            problems.Unless(price is { PromptPer1K: >= 0, CompletionPer1K: >= 0 }, $"{nameof(Models)}:{model}", "must have prices of 0 or more");
        }
    }
}
