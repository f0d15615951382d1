using System.Text.Json.Nodes;

namespace DurableCrews.InfraTests.Support;

/// <summary>
/// One resource a template deploys (or, when <see cref="Existing"/>, only refers to), with its expressions evaluated;
/// values only a deployment knows read <c>⟨expression⟩</c>.
/// </summary>
sealed record ArmResource(string Type, string Name, JsonObject Body, bool Existing)
{
    /// <summary>The resource id without subscription and resource group, e.g. <c>Microsoft.Storage/storageAccounts/NAME</c>.</summary>
    public string Id => ArmFunctions.ResourceId(Type, ArmFunctions.NameSegments(Name));

    /// <summary>The last segment of the name: a container's or a deployment's own name.</summary>
    public string ShortName => ArmFunctions.NameSegments(Name)[^1];

    /// <summary>The node at a dotted path (<c>properties.siteConfig.minTlsVersion</c>).</summary>
    /// <exception cref="KeyNotFoundException">The resource has nothing at that path.</exception>
    public JsonNode Node(string path)
    {
        JsonNode? node = Body;
        foreach (string segment in path.Split('.'))
        {
            node = node is JsonObject o && o.TryGetPropertyValue(segment, out var child) && child is not null
                ? child
                : throw new KeyNotFoundException($"{Type} '{Name}' has nothing at '{path}'.");
        }

        return node!;
    }

    /// <summary>The value at a dotted path.</summary>
    /// <exception cref="KeyNotFoundException">The resource has nothing at that path.</exception>
    public T Value<T>(string path) => Node(path).GetValue<T>();

    /// <summary>The app settings of a site, by name.</summary>
    public IReadOnlyDictionary<string, string> AppSettings() =>
        Node("properties.siteConfig.appSettings").AsArray()
            .Select(s => s!.AsObject())
            .ToDictionary(s => s["name"]!.GetValue<string>(), s => s["value"]!.GetValue<string>(), StringComparer.Ordinal);
}
