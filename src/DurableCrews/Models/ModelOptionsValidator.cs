using Microsoft.Extensions.Options;

namespace DurableCrews.Models;

/// <summary>Checks the default model's settings at start-up, naming each setting that is wrong.</summary>
public sealed class ModelOptionsValidator : IValidateOptions<ModelOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        string? provider = ModelProviders.Find(options.Provider);
        if (provider is null)
        {
            failures.Add($"{ModelOptions.SectionName}:Provider must be one of {string.Join(", ", ModelProviders.All)}, not '{options.Provider}'.");
        }
        else if (provider is ModelProviders.AzureOpenAI or ModelProviders.OpenAICompatible)
        {
            if (options.Endpoint is null)
            {
                failures.Add($"{ModelOptions.SectionName}:Endpoint is required for the {provider} provider.");
            }

            if (string.IsNullOrWhiteSpace(options.Name))
            {
                failures.Add($"{ModelOptions.SectionName}:Name (the {(provider == ModelProviders.AzureOpenAI ? "deployment" : "model")} name) is required for the {provider} provider.");
            }
        }

        if (options.TimeoutSeconds is < 1 or > 3600)
        {
            failures.Add($"{ModelOptions.SectionName}:TimeoutSeconds must be from 1 to 3600.");
        }

        if (options.OfflineLatencyMs is < 0 or > 600_000)
        {
            failures.Add($"{ModelOptions.SectionName}:OfflineLatencyMs must be from 0 to 600000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
