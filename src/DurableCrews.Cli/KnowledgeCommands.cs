using System.CommandLine;
using System.Globalization;
using DurableCrews.Agents;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DurableCrews.Cli;

/// <summary><c>durablecrews knowledge list|search|reset CREW</c>: look into and clear a crew's stored knowledge sources.</summary>
internal static class KnowledgeCommands
{
    public static Command Create(TextWriter stdout, TextWriter stderr, IConfiguration configuration)
    {
        var command = new Command("knowledge", "List, search or reset a crew's knowledge sources (crew and agent level).");
        command.Subcommands.Add(List(stdout, stderr, configuration));
        command.Subcommands.Add(Search(stdout, stderr, configuration));
        command.Subcommands.Add(Reset(stdout, stderr, configuration));
        return command;
    }

    static Argument<string> CrewArgument() => new("crew") { Description = "The crew: its name, or the path of its folder or file." };

    static Command List(TextWriter stdout, TextWriter stderr, IConfiguration configuration)
    {
        var crew = CrewArgument();
        var command = new Command("list", "List the crew's knowledge sources: whose, kind, chunks, and whether they are embedded as they are now.") { crew };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (await DefinedAsync(parse.GetValue(crew)!, stderr, configuration).ConfigureAwait(false) is not { } target)
            {
                return CliApp.Invalid;
            }

            var states = await target.Services.GetRequiredService<CrewKnowledge>().ListAsync(target.Definition!, cancellationToken).ConfigureAwait(false);
            foreach (var state in states)
            {
                await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{state.Holder}\t{state.Source}\t{state.Kind}\t{state.Chunks} chunk(s)\t{(state.Embedded ? "embedded" : "not embedded yet")}")).ConfigureAwait(false);
            }

            if (states.Count == 0)
            {
                await stderr.WriteLineAsync($"crew '{target.Name}' has no knowledge sources").ConfigureAwait(false);
            }

            return CliApp.Completed;
        });
        return command;
    }

    static Command Search(TextWriter stdout, TextWriter stderr, IConfiguration configuration)
    {
        var crew = CrewArgument();
        var query = new Argument<string>("query") { Description = "What to look for." };
        var top = new Option<int>("--top") { Description = "How many chunks to show (whatever their scores).", DefaultValueFactory = _ => 5 };
        var agent = new Option<string?>("--agent") { Description = "Search this agent's sources too (its role or name)." };
        var command = new Command("search", "Show the knowledge chunks most similar to a query, with their scores and sources (embeds what is not stored yet).") { crew, query, top, agent };
        command.SetAction(async (parse, cancellationToken) =>
        {
            int count = parse.GetValue(top);
            if (count is < 1 or > 100)
            {
                await stderr.WriteLineAsync("error: --top must be from 1 to 100").ConfigureAwait(false);
                return CliApp.Invalid;
            }

            if (await DefinedAsync(parse.GetValue(crew)!, stderr, configuration).ConfigureAwait(false) is not { } target)
            {
                return CliApp.Invalid;
            }

            var definition = target.Definition!;
            var who = parse.GetValue(agent) is { } named ? definition.Agents.FirstOrDefault(a => a.Name == named || a.Role == named) : null;
            if (parse.GetValue(agent) is { } wanted && who is null)
            {
                await stderr.WriteLineAsync($"error: crew '{target.Name}' has no agent '{wanted}'; its agents are {string.Join(", ", definition.Agents.Select(a => a.Name))}").ConfigureAwait(false);
                return CliApp.Invalid;
            }

            var matches = await target.Services.GetRequiredService<CrewKnowledge>().SearchAsync(definition, who, parse.GetValue(query)!, count, cancellationToken).ConfigureAwait(false);
            foreach (var match in matches)
            {
                await stdout.WriteLineAsync($"{match.Score.ToString("0.000", CultureInfo.InvariantCulture)}  {CrewKnowledge.Describe(match)}").ConfigureAwait(false);
            }

            return CliApp.Completed;
        });
        return command;
    }

    static Command Reset(TextWriter stdout, TextWriter stderr, IConfiguration configuration)
    {
        var crew = CrewArgument();
        var command = new Command("reset", "Delete the crew's stored knowledge; it is embedded again on the next run or search.") { crew };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (MemoryCommands.Resolve(parse.GetValue(crew)!, stderr, configuration) is not { } target)
            {
                return CliApp.Invalid;
            }

            int deleted = await target.Services.GetRequiredService<CrewKnowledge>().ResetAsync(target.Name, cancellationToken).ConfigureAwait(false);
            await stdout.WriteLineAsync($"reset the knowledge of crew '{target.Name}' ({deleted} blob(s) deleted)").ConfigureAwait(false);
            return CliApp.Completed;
        });
        return command;
    }

    static async Task<MemoryCommands.Target?> DefinedAsync(string crew, TextWriter stderr, IConfiguration configuration)
    {
        var target = MemoryCommands.Resolve(crew, stderr, configuration);
        if (target is { Definition: null })
        {
            await stderr.WriteLineAsync($"error: crew '{crew}' is not in the catalog; give the path of its folder or file").ConfigureAwait(false);
            return null;
        }

        return target;
    }
}
