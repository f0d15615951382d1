using System.Text.Json.Nodes;

namespace DurableCrews.InfraTests.Support;

/// <summary>
/// A compiled template, evaluated without Azure: the resources it would deploy for given parameter values, across
/// nested module deployments, loops and conditions.
/// </summary>
sealed class ArmTemplate(JsonObject json)
{
    const string DeploymentType = "Microsoft.Resources/deployments";

    /// <summary>The compiled template.</summary>
    public JsonObject Json { get; } = json;

    /// <summary>
    /// Every resource deployed (or referred to as existing) with <paramref name="parameters"/>; parameters not given
    /// take their default values, and parameters with none are symbols.
    /// </summary>
    public IReadOnlyList<ArmResource> Resources(IReadOnlyDictionary<string, object?>? parameters = null)
    {
        ArmScope? root = null;
        root = new ArmScope(Json, name =>
            parameters is not null && parameters.TryGetValue(name, out var value) ? value
            : Json["parameters"]?[name]?["defaultValue"] is { } fallback ? root!.Evaluate(fallback)
            : Json["parameters"]?[name] is not null ? new ArmSymbol($"parameters('{name}')")
            : throw new InvalidOperationException($"The template has no parameter '{name}'."));
        var resources = new List<ArmResource>();
        Collect(root, resources);
        return resources;
    }

    static void Collect(ArmScope scope, List<ArmResource> into)
    {
        foreach (var (_, resource) in scope.ResourceNodes())
        {
            foreach (var instance in Instances(scope, resource))
            {
                if (resource["condition"] is { } condition && instance.Evaluate(condition) is false)
                {
                    continue;
                }

                string type = resource["type"]!.GetValue<string>();
                var body = new JsonObject();
                foreach (var (key, value) in resource)
                {
                    // A module's template and parameters belong to the module's own scope.
                    body[key] = type == DeploymentType && key == "properties"
                        ? ToNode(instance.Evaluate(Without(value!.AsObject(), "template", "parameters")))
                        : ToNode(instance.Evaluate(value));
                }

                bool existing = resource["existing"]?.GetValue<bool>() == true;
                into.Add(new ArmResource(type, ArmFunctions.Text(instance.Evaluate(resource["name"])), body, existing));
                if (type == DeploymentType && resource["properties"]?["template"] is JsonObject template)
                {
                    Collect(ModuleScope(instance, resource["properties"]!.AsObject(), template), into);
                }
            }
        }
    }

    static IEnumerable<ArmScope> Instances(ArmScope scope, JsonObject resource)
    {
        if (resource["copy"] is not JsonObject copy)
        {
            return [scope];
        }

        return scope.Evaluate(copy["count"]) is long count
            ? Enumerable.Range(0, (int)count).Select(scope.AtCopyIndex)
            : throw new InvalidOperationException($"The loop {copy["name"]} has no count known before deployment.");
    }

    static ArmScope ModuleScope(ArmScope parent, JsonObject properties, JsonObject template)
    {
        ArmScope? module = null;
        module = new ArmScope(template, name =>
        {
            if (properties["parameters"]?[name] is { } given)
            {
                // A parameter is { "value": ... }, or an expression that evaluates to one.
                return given is JsonObject wrapped && wrapped.ContainsKey("value")
                    ? parent.Evaluate(wrapped["value"])
                    : ArmFunctions.Member(parent.Evaluate(given), "value");
            }

            return template["parameters"]?[name]?["defaultValue"] is { } fallback
                ? module!.Evaluate(fallback)
                : throw new InvalidOperationException($"The module template's parameter '{name}' has no value.");
        });
        return module;
    }

    static JsonObject Without(JsonObject o, params string[] keys)
    {
        var copy = new JsonObject();
        foreach (var (key, value) in o.Where(p => !keys.Contains(p.Key)))
        {
            copy[key] = value?.DeepClone();
        }

        return copy;
    }

    static JsonNode? ToNode(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        long n => JsonValue.Create(n),
        bool b => JsonValue.Create(b),
        ArmSymbol symbol => JsonValue.Create(symbol.ToString()),
        List<object?> list => new JsonArray(list.Select(ToNode).ToArray()),
        Dictionary<string, object?> map => new JsonObject(map.Select(p => KeyValuePair.Create(p.Key, ToNode(p.Value)))),
        _ => throw new InvalidOperationException($"Unexpected value {value}."),
    };
}
