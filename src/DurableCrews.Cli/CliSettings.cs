using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace DurableCrews.Cli;

/// <summary>
/// The CLI's settings: the <c>Values</c> of a <c>local.settings.json</c> in the working directory (the same file
/// <c>func start</c> reads), overridden by environment variables. Keys use <c>__</c> or <c>:</c> alike.
/// </summary>
internal static class CliSettings
{
    public static IConfiguration Load(string? workingDirectory = null)
    {
        var builder = new ConfigurationBuilder();
        string file = Path.Combine(workingDirectory ?? Directory.GetCurrentDirectory(), "local.settings.json");
        if (File.Exists(file))
        {
            builder.AddInMemoryCollection(ReadValues(file));
        }

        return builder.AddEnvironmentVariables().Build();
    }

    static IEnumerable<KeyValuePair<string, string?>> ReadValues(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(file));
        if (!document.RootElement.TryGetProperty("Values", out var values) || values.ValueKind != JsonValueKind.Object)
        {
            return [];
        }

        return values.EnumerateObject()
            .Select(p => KeyValuePair.Create(p.Name.Replace("__", ":", StringComparison.Ordinal), p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText()))
            .ToList();
    }
}
