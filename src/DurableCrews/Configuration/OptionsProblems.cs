using Microsoft.Extensions.Options;

namespace DurableCrews.Configuration;

/// <summary>The problems found in one section's settings, each naming its setting (<c>Section:Setting</c>).</summary>
public sealed class OptionsProblems(string section)
{
    readonly List<string> problems = [];

    /// <summary>Every problem found, or success.</summary>
    public ValidateOptionsResult Result => problems.Count > 0 ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;

    /// <summary>The setting must be at least <paramref name="least"/>.</summary>
    public OptionsProblems AtLeast(string setting, long value, long least) =>
        Unless(value >= least, setting, $"must be at least {least}, not {value}");

    /// <summary>The setting, when given, must be an absolute URL.</summary>
    public OptionsProblems AbsoluteUrl(string setting, Uri? value) =>
        Unless(value is null or { IsAbsoluteUri: true }, setting, $"must be an absolute URL, not '{value}'");

    /// <summary>Adds "<c>Section:Setting</c> <paramref name="what"/>." unless <paramref name="holds"/>.</summary>
    public OptionsProblems Unless(bool holds, string setting, string what)
    {
        if (!holds)
        {
            problems.Add($"{section}:{setting} {what}.");
        }

        return this;
    }
}
