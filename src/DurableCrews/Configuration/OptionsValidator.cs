using Microsoft.Extensions.Options;

namespace DurableCrews.Configuration;

/// <summary>Checks an options type when the host starts by its rules, collecting every problem, each named by its setting.</summary>
/// <typeparam name="TOptions">The options type.</typeparam>
/// <param name="section">The configuration section the options bind to, which names each setting.</param>
/// <param name="check">The rules: adds what is wrong with the options to the problems.</param>
public sealed class OptionsValidator<TOptions>(string section, Action<TOptions, OptionsProblems> check) : IValidateOptions<TOptions>
    where TOptions : class
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new OptionsProblems(section);
        check(options, problems);
        return problems.Result;
    }
}
