using Microsoft.Extensions.Options;

namespace DurableCrews.Orchestration;

/// <summary>Refuses a start version this build does not run.</summary>
public sealed class VersioningOptionsValidator : IValidateOptions<VersioningOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, VersioningOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return OrchestrationVersions.All.Contains(options.StartVersion)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{VersioningOptions.SectionName}:StartVersion must be one of {string.Join(", ", OrchestrationVersions.All)}, not '{options.StartVersion}'.");
    }
}
