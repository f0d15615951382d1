using Microsoft.Extensions.Configuration;

namespace DurableCrews.Tools;

/// <summary>
/// The settings a tool's <c>{setting:NAME}</c> reads: the configuration DurableCrews was added with (environment,
/// local.settings.json, app settings and Key Vault references in Azure), never the crew.
/// </summary>
public sealed class ToolSecrets
{
    readonly IConfiguration configuration;

    /// <summary>Reads from <paramref name="configuration"/>.</summary>
    public ToolSecrets(IConfiguration configuration) => this.configuration = configuration;

    /// <summary>The setting's value (<c>A__B</c> and <c>A:B</c> alike); null when it is not set.</summary>
    public string? Get(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return configuration[name] ?? configuration[name.Replace("__", ":", StringComparison.Ordinal)];
    }

    /// <summary>
    /// Every <c>{setting:NAME}</c> a crew's tools read (in URLs and headers) that is not set here, with its path and the
    /// setting to add: the calls would fail at run time.
    /// </summary>
    public IReadOnlyList<Definitions.DefinitionProblem> CheckCrew(Definitions.CrewDefinition crew)
    {
        ArgumentNullException.ThrowIfNull(crew);
        var problems = new List<Definitions.DefinitionProblem>();
        foreach (var tool in crew.Tools)
        {
            var templates = tool.Headers.Select(h => ($"tools.{tool.Name}.headers.{h.Key}", h.Value)).Prepend(($"tools.{tool.Name}.url", tool.Url ?? string.Empty));
            foreach (var (path, template) in templates)
            {
                foreach (string name in SettingsIn(template).Where(n => Get(n) is null))
                {
                    problems.Add(new Definitions.DefinitionProblem(path,
                        $"reads the setting '{name}', which is not set on this server: set it (the environment variable {name}, or in local.settings.json / the app settings) before running the crew"));
                }
            }
        }

        return problems;
    }

    static IEnumerable<string> SettingsIn(string template) =>
        Definitions.ToolDefinitionReader.Placeholder().Matches(template).Select(m => m.Groups[1].Value)
            .Where(key => key.StartsWith("setting:", StringComparison.Ordinal) && key.Length > "setting:".Length)
            .Select(key => key["setting:".Length..]).Distinct(StringComparer.Ordinal);

    /// <summary>A template (a header value, a URL) with its <c>{setting:NAME}</c> placeholders filled from the settings; other text is left as it is.</summary>
    /// <exception cref="ToolFailedException">A setting it names is not set.</exception>
    public string Fill(string template) => Definitions.ToolDefinitionReader.Placeholder().Replace(template, m =>
    {
        string key = m.Groups[1].Value;
        if (!key.StartsWith("setting:", StringComparison.Ordinal))
        {
            return m.Value;
        }

        string name = key["setting:".Length..];
        return Get(name) ?? throw new ToolFailedException($"the setting '{name}' that this tool needs is not set on the server");
    });
}
