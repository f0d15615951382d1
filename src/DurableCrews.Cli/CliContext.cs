using DurableCrews.Definitions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DurableCrews.Cli;

/// <summary>What a command runs with: its output streams, settings, service replacements (tests) and the shutdown signal.</summary>
internal sealed record CliContext(TextWriter Stdout, TextWriter Stderr, IConfiguration Configuration, Action<IServiceCollection>? ConfigureServices, CancellationToken Shutdown = default)
{
    /// <summary>Writes the problems that kept anything from starting to stderr.</summary>
    public async Task WriteProblemsAsync(IReadOnlyList<DefinitionProblem> problems)
    {
        await Stderr.WriteLineAsync($"✘ {problems.Count} problem(s); nothing was started:").ConfigureAwait(false);
        foreach (var problem in problems)
        {
            await Stderr.WriteLineAsync($"  {problem}").ConfigureAwait(false);
        }
    }
}
