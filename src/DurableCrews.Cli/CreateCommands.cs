using System.CommandLine;
using System.Reflection;
using DurableCrews.Definitions;

namespace DurableCrews.Cli;

/// <summary>
/// <c>durablecrews create crew NAME</c>: what <c>crewai create crew</c> does, in DurableCrews' layout. It writes the
/// <c>durablecrews-crew</c> template's files (agents.yaml, tasks.yaml, crew.yaml, knowledge/, README.md), named NAME.
/// </summary>
internal static class CreateCommands
{
    const string ResourcePrefix = "CrewTemplate/";

    /// <summary>The name the template's files carry, replaced by the crew's.</summary>
    const string TemplateName = "my_crew";

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var name = new Argument<string>("name") { Description = "The crew's name (spaces and capitals become 'my_crew' style); also the folder's, unless --output says otherwise." };
        var output = new Option<string?>("--output", "-o") { Description = "The folder to create; ./NAME by default. It must not exist or be empty." };
        var crew = new Command("crew", "Create a crew folder to edit: agents.yaml, tasks.yaml, crew.yaml and knowledge/, as `crewai create crew` does.") { name, output };
        crew.SetAction(async (parse, cancellationToken) =>
            await CreateCrewAsync(stdout, stderr, parse.GetValue(name)!, parse.GetValue(output), cancellationToken).ConfigureAwait(false));
        return new Command("create", "Create a crew.") { crew };
    }

    static async Task<int> CreateCrewAsync(TextWriter stdout, TextWriter stderr, string requested, string? output, CancellationToken cancellationToken)
    {
        // As crewai create crew: "Market Research" becomes market_research.
        string name = string.Join('_', requested.Trim().ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries)).Replace('-', '_');
        if (!DefinitionNames.IsValid(name))
        {
            await stderr.WriteLineAsync($"✘ name: '{requested}' {DefinitionNames.Rule()}").ConfigureAwait(false);
            return CliApp.Invalid;
        }

        string folder = Path.GetFullPath(output ?? name);
        if (File.Exists(folder) || (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any()))
        {
            await stderr.WriteLineAsync($"✘ {folder} already exists and is not an empty folder; nothing was written").ConfigureAwait(false);
            return CliApp.Invalid;
        }

        var assembly = Assembly.GetExecutingAssembly();
        var written = new List<string>();
        foreach (string resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            string relative = resource[ResourcePrefix.Length..];
            string file = Path.Combine(folder, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            string text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(file, text.Replace(TemplateName, name, StringComparison.Ordinal), cancellationToken).ConfigureAwait(false);
            written.Add(relative);
        }

        await stdout.WriteLineAsync($"✔ crew '{name}' created in {folder}: {string.Join(", ", written)}").ConfigureAwait(false);
        await stdout.WriteLineAsync($"  edit agents.yaml and tasks.yaml, then: {CliApp.ToolCommandName} run {Path.GetRelativePath(Directory.GetCurrentDirectory(), folder)} --input \"topic=AI agents\"").ConfigureAwait(false);
        return CliApp.Completed;
    }
}
