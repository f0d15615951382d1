using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DurableCrews.InfraTests.Support;

/// <summary>
/// Evaluates the expressions of one template (the main one or a module's) as far as they can be evaluated without
/// Azure. Values are <see cref="string"/>, <see cref="long"/>, <see cref="bool"/>, <c>null</c>, lists, dictionaries
/// and <see cref="ArmSymbol"/> for what only a deployment knows; inside strings a symbol reads <c>⟨expression⟩</c>.
/// </summary>
sealed class ArmScope
{
    readonly Func<string, object?> parameterValue;
    readonly Dictionary<string, object?> variables;
    readonly int? copyIndex;

    /// <summary>A scope over <paramref name="template"/> whose parameters have the values <paramref name="parameterValue"/> gives.</summary>
    public ArmScope(JsonObject template, Func<string, object?> parameterValue)
        : this(template, parameterValue, new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase), null)
    {
    }

    ArmScope(JsonObject template, Func<string, object?> parameterValue, Dictionary<string, object?> variables, int? copyIndex)
    {
        Template = template;
        this.parameterValue = parameterValue;
        this.variables = variables;
        this.copyIndex = copyIndex;
    }

    /// <summary>The template.</summary>
    public JsonObject Template { get; }

    /// <summary>The same scope while evaluating instance <paramref name="index"/> of a resource loop.</summary>
    public ArmScope AtCopyIndex(int index) => new(Template, parameterValue, variables, index);

    /// <summary>The template's resources with their symbolic names (array indexes for templates without symbolic names).</summary>
    public IEnumerable<(string Symbol, JsonObject Resource)> ResourceNodes() => Template["resources"] switch
    {
        JsonObject named => named.Select(p => (p.Key, p.Value!.AsObject())),
        JsonArray list => list.Select((r, i) => (i.ToString(CultureInfo.InvariantCulture), r!.AsObject())),
        _ => [],
    };

    /// <summary>Evaluates a template value: strings that are expressions are evaluated, objects and arrays element by element.</summary>
    public object? Evaluate(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject o:
                var evaluated = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                foreach (var (key, value) in o)
                {
                    evaluated[ArmFunctions.Text(EvaluateString(key))] = Evaluate(value);
                }

                return evaluated;
            case JsonArray a:
                return a.Select(Evaluate).ToList();
            default:
                var v = node.AsValue();
                return v.GetValueKind() switch
                {
                    JsonValueKind.String => EvaluateString(v.GetValue<string>()),
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.Number => v.GetValue<long>(),
                    _ => null,
                };
        }
    }

    /// <summary>Evaluates a parsed expression.</summary>
    public object? Evaluate(ArmExpression expression) => expression switch
    {
        ArmExpression.Literal literal => literal.Value,
        ArmExpression.Member member => ArmFunctions.Member(Evaluate(member.Target), member.Name),
        ArmExpression.Index index => ArmFunctions.Index(Evaluate(index.Target), Evaluate(index.Key)),
        ArmExpression.Call call => Call(call),
        _ => throw new ArgumentOutOfRangeException(nameof(expression)),
    };

    /// <summary>The resource id of the resource with symbolic name <paramref name="symbol"/> in this template.</summary>
    public string ResourceIdOf(string symbol)
    {
        var resource = Template["resources"] as JsonObject is { } named && named[symbol] is JsonObject r
            ? r
            : throw new InvalidOperationException($"The template has no resource named '{symbol}'.");
        string type = resource["type"]!.GetValue<string>();
        string name = ArmFunctions.Text(Evaluate(resource["name"]));
        return ArmFunctions.ResourceId(type, ArmFunctions.NameSegments(name));
    }

    object? EvaluateString(string text)
    {
        if (ArmExpression.IsExpression(text))
        {
            return Evaluate(ArmExpression.Parse(text));
        }

        return text.StartsWith("[[", StringComparison.Ordinal) ? text[1..] : text;
    }

    object? Call(ArmExpression.Call call)
    {
        string function = call.Function.ToLowerInvariant();
        if (function == "if")
        {
            // Only the branch taken is evaluated, as in a deployment.
            return Evaluate(call.Arguments[0]) switch
            {
                true => Evaluate(call.Arguments[1]),
                false => Evaluate(call.Arguments[2]),
                var condition => new ArmSymbol($"if({ArmFunctions.Render(condition)}, …)"),
            };
        }

        var arguments = call.Arguments.Select(Evaluate).ToList();
        return function switch
        {
            "parameters" => parameterValue(ArmFunctions.Text(arguments[0])),
            "variables" => Variable(ArmFunctions.Text(arguments[0])),
            "copyindex" => CopyIndex(arguments),
            "reference" => new ArmSymbol($"reference({ReferencedId(arguments[0])})"),
            _ => ArmFunctions.Call(call.Function, arguments),
        };
    }

    object? Variable(string name)
    {
        if (!variables.TryGetValue(name, out var value))
        {
            var node = Template["variables"]?[name] ?? throw new InvalidOperationException($"The template has no variable '{name}'.");
            value = variables[name] = Evaluate(node);
        }

        return value;
    }

    long CopyIndex(List<object?> arguments)
    {
        long index = copyIndex ?? throw new InvalidOperationException("copyIndex() outside a loop.");
        return arguments.LastOrDefault() is long offset ? index + offset : index;
    }

    // In templates with symbolic names, reference('identity') names a resource of the same template.
    string ReferencedId(object? target) =>
        target is string symbol && Template["resources"] is JsonObject named && named.ContainsKey(symbol)
            ? ResourceIdOf(symbol)
            : ArmFunctions.Text(target);
}
