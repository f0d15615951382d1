using System.CommandLine;
using System.Globalization;
using DurableCrews.Agents;
using DurableCrews.Configuration;
using DurableCrews.Definitions;
using DurableCrews.Models;
using DurableCrews.Storage;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DurableCrews.Cli;

/// <summary><c>durablecrews memory list|search|reset CREW</c>: look into and clear a crew's long-term and entity memory.</summary>
internal static class MemoryCommands
{
    public static Command Create(TextWriter stdout, TextWriter stderr, IConfiguration configuration)
    {
        var command = new Command("memory", "List, search or reset a crew's long-term and entity memory.");
        command.Subcommands.Add(List(stdout, stderr, configuration));
        command.Subcommands.Add(Search(stdout, stderr, configuration));
        command.Subcommands.Add(Reset(stdout, stderr, configuration));
        return command;
    }

    static Argument<string> CrewArgument() => new("crew") { Description = "The crew: its name, or the path of its folder or file (to use its embedder)." };

    static Command List(TextWriter stdout, TextWriter stderr, IConfiguration configuration)
    {
        var crew = CrewArgument();
        var command = new Command("list", "List a crew's long-term and entity memories, oldest first.") { crew };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (Resolve(parse.GetValue(crew)!, stderr, configuration) is not { } target)
            {
                return CliApp.Invalid;
            }

            foreach (var scope in new[] { MemoryScope.LongTerm(target.Name), MemoryScope.Entities(target.Name) })
            {
                foreach (var record in await target.Store.ListAsync(scope, cancellationToken).ConfigureAwait(false))
                {
                    await stdout.WriteLineAsync(CrewMemory.Describe(new MemoryMatch(record, 0))).ConfigureAwait(false);
                }
            }

            return CliApp.Completed;
        });
        return command;
    }

    static Command Search(TextWriter stdout, TextWriter stderr, IConfiguration configuration)
    {
        var crew = CrewArgument();
        var query = new Argument<string>("query") { Description = "What to look for." };
        var top = new Option<int>("--top") { Description = "How many memories to show.", DefaultValueFactory = _ => CrewMemory.TopK };
        var command = new Command("search", "Show the memories most similar to a query, with their scores.") { crew, query, top };
        command.SetAction(async (parse, cancellationToken) =>
        {
            int count = parse.GetValue(top);
            if (count < 1)
            {
                await stderr.WriteLineAsync("error: --top must be 1 or more").ConfigureAwait(false);
                return CliApp.Invalid;
            }

            if (Resolve(parse.GetValue(crew)!, stderr, configuration) is not { } target)
            {
                return CliApp.Invalid;
            }

            var embedder = target.Services.GetRequiredService<IEmbedderProvider>().Resolve(target.Definition?.Embedder);
            float[] vector = (await embedder.Generator.GenerateVectorAsync(parse.GetValue(query)!, cancellationToken: cancellationToken).ConfigureAwait(false)).ToArray();
            MemoryScope[] scopes = [MemoryScope.LongTerm(target.Name), MemoryScope.Entities(target.Name)];
            foreach (var match in await target.Store.SearchAsync(scopes, vector, count, cancellationToken).ConfigureAwait(false))
            {
                await stdout.WriteLineAsync($"{match.Score.ToString("0.000", CultureInfo.InvariantCulture)}  {CrewMemory.Describe(match)}").ConfigureAwait(false);
            }

            int searched = 0;
            foreach (var scope in scopes)
            {
                searched += (await target.Store.CountAsync(scope, cancellationToken).ConfigureAwait(false)).Records;
            }

            await stderr.WriteLineAsync($"searched {searched} memories with {embedder.Description}").ConfigureAwait(false);
            return CliApp.Completed;
        });
        return command;
    }

    static Command Reset(TextWriter stdout, TextWriter stderr, IConfiguration configuration)
    {
        var crew = CrewArgument();
        var command = new Command("reset", "Forget a crew's long-term and entity memory.") { crew };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (Resolve(parse.GetValue(crew)!, stderr, configuration) is not { } target)
            {
                return CliApp.Invalid;
            }

            int deleted = await target.Store.ResetAsync(target.Name, cancellationToken).ConfigureAwait(false);
            await stdout.WriteLineAsync($"reset the memory of crew '{target.Name}' ({deleted} blob(s) deleted)").ConfigureAwait(false);
            return CliApp.Completed;
        });
        return command;
    }

    /// <summary>The crew a command names: a folder or file (its definition), or a name (the catalog's definition, if any).</summary>
    internal static Target? Resolve(string crew, TextWriter stderr, IConfiguration configuration)
    {
        var services = new ServiceCollection().AddDurableCrews(configuration).BuildServiceProvider();
        CrewDefinition? definition = null;
        string name = crew;
        if (File.Exists(crew) || Directory.Exists(crew))
        {
            var loaded = CrewDefinitionLoader.Load(crew);
            if (!loaded.Succeeded)
            {
                foreach (var problem in loaded.Problems)
                {
                    stderr.WriteLine($"  {problem}");
                }

                return null;
            }

            definition = loaded.Definition;
            name = definition!.Name;
        }
        else if (!DefinitionNames.IsValid(crew))
        {
            stderr.WriteLine($"error: crew '{crew}' is neither a crew folder or file nor a crew name: a name {DefinitionNames.Rule()}");
            return null;
        }
        else
        {
            definition = services.GetRequiredService<CrewCatalog>().Load(crew)?.Definition;
        }

        return new Target(name, definition, services.GetRequiredService<MemoryStore>(), services);
    }

    internal sealed record Target(string Name, CrewDefinition? Definition, MemoryStore Store, IServiceProvider Services);
}
