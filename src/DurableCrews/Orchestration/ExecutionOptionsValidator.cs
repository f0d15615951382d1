using Microsoft.Extensions.Options;

namespace DurableCrews.Orchestration;

/// <summary>Checks <see cref="ExecutionOptions"/> when the host starts, naming each bad setting.</summary>
public sealed class ExecutionOptionsValidator : IValidateOptions<ExecutionOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ExecutionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (options.RateLimitWindowSeconds < 1)
        {
            problems.Add($"{ExecutionOptions.SectionName}:RateLimitWindowSeconds must be at least 1, not {options.RateLimitWindowSeconds}.");
        }

        if (options.MaxDelegationDepth < 1)
        {
            problems.Add($"{ExecutionOptions.SectionName}:MaxDelegationDepth must be at least 1, not {options.MaxDelegationDepth}.");
        }

        if (options.HumanInputTimeoutSeconds < 1)
        {
            problems.Add($"{ExecutionOptions.SectionName}:HumanInputTimeoutSeconds must be at least 1, not {options.HumanInputTimeoutSeconds}.");
        }

        if (options.RetryDelaySeconds < 0 || options.MaxRetryDelaySeconds < options.RetryDelaySeconds)
        {
            problems.Add($"{ExecutionOptions.SectionName}:RetryDelaySeconds must be 0 or more and at most MaxRetryDelaySeconds.");
        }

        if (options.MaxForEachItems < 1)
        {
            problems.Add($"{ExecutionOptions.SectionName}:MaxForEachItems must be at least 1, not {options.MaxForEachItems}.");
        }

        return problems.Count > 0 ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
