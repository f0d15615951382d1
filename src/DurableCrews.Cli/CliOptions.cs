using System.CommandLine;
using DurableCrews.Definitions;
using DurableCrews.Models;
using Microsoft.Extensions.Configuration;

namespace DurableCrews.Cli;

/// <summary>The options <c>run</c> and <c>validate</c> share (<c>--input</c>, <c>--mcp</c>, <c>--offline</c>) and what each does to the command's context.</summary>
internal static class CliOptions
{
    /// <summary>The <c>--mcp</c> option: a stdio MCP server for this run, as the settings would define it.</summary>
    public static Option<string[]> Mcp() => new("--mcp")
    {
        Description = "A stdio MCP server crews may name, as NAME=COMMAND ARG… (split at spaces), like the setting DurableCrews__Tools__Mcp__NAME__Command; repeat for more.",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>The context with the <c>--mcp</c> servers added to its settings; null (after saying why) when one is malformed.</summary>
    public static CliContext? WithMcpServers(CliContext cli, string[] servers)
    {
        if (servers.Length == 0)
        {
            return cli;
        }

        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (string server in servers)
        {
            int equals = server.IndexOf('=', StringComparison.Ordinal);
            string name = equals > 0 ? server[..equals].Trim() : string.Empty;
            string[] words = equals > 0 ? server[(equals + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];
            if (!DefinitionNames.IsValid(name) || words.Length == 0)
            {
                cli.Stderr.WriteLine($"error: --mcp '{server}' must be NAME=COMMAND ARG… (NAME {DefinitionNames.Rule()})");
                return null;
            }

            string prefix = $"{Tools.ToolOptions.SectionName}:Mcp:{name}";
            values[$"{prefix}:Command"] = words[0];
            for (int i = 1; i < words.Length; i++)
            {
                values[$"{prefix}:Args:{i - 1}"] = words[i];
            }
        }

        return cli with { Configuration = new ConfigurationBuilder().AddConfiguration(cli.Configuration).AddInMemoryCollection(values).Build() };
    }

    /// <summary>The <c>--offline</c> option.</summary>
    public static Option<bool> Offline() => new("--offline")
    {
        Description = "The offline model stands in for every model the crew names: nothing is sent to a provider, and model settings are not checked.",
    };

    /// <summary>The context with the offline model standing in for every model, when <paramref name="offline"/>.</summary>
    public static CliContext OfflineIf(CliContext cli, bool offline) => offline
        ? cli with { Configuration = new ConfigurationBuilder().AddConfiguration(cli.Configuration).AddInMemoryCollection(new Dictionary<string, string?> { [$"{ModelOptions.SectionName}:OfflineStandIn"] = "true" }).Build() }
        : cli;

    /// <summary>The <c>--input</c> option.</summary>
    public static Option<string[]> Input() => new("--input", "-i")
    {
        Description = "A kickoff input as key=value, filling {key} in the crew's texts; repeat for more.",
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>Reads <c>--input key=value</c> arguments.</summary>
    public static (Dictionary<string, string> Inputs, List<DefinitionProblem> Problems) ParseInputs(string[] inputArgs)
    {
        var problems = new List<DefinitionProblem>();
        var inputs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string arg in inputArgs)
        {
            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                problems.Add(new DefinitionProblem("--input", $"'{arg}' must be key=value"));
            }
            else if (!inputs.TryAdd(arg[..equals], arg[(equals + 1)..]))
            {
                problems.Add(new DefinitionProblem($"inputs.{arg[..equals]}", "given more than once"));
            }
        }

        problems.AddRange(CrewInputs.Validate(inputs));
        return (inputs, problems);
    }
}
