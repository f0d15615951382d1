using System.Globalization;

namespace DurableCrews.InfraTests.Support;

/// <summary>
/// The template functions whose results can be worked out before a deployment. Any other function, or one of these
/// given a value only a deployment knows, yields an <see cref="ArmSymbol"/> of the call.
/// </summary>
static class ArmFunctions
{
    /// <summary>Calls <paramref name="name"/> with evaluated arguments.</summary>
    public static object? Call(string name, List<object?> arguments)
    {
        string function = name.ToLowerInvariant();
        switch (function)
        {
            // These keep symbols inside the strings or structures they build.
            case "format":
                return string.Format(CultureInfo.InvariantCulture, Text(arguments[0]), arguments.Skip(1).Select(a => (object)Text(a)).ToArray());
            case "concat" when arguments.All(a => a is not List<object?>):
                return string.Concat(arguments.Select(Text));
            case "resourceid":
            case "subscriptionresourceid":
            case "tenantresourceid":
                return ResourceId(arguments.Select(Text).ToList());
            case "extensionresourceid":
                return $"{Text(arguments[0])}/providers/{ResourceId(arguments.Skip(1).Select(Text).ToList())}";
            case "createobject":
                return arguments.Chunk(2).ToDictionary(pair => Text(pair[0]), pair => pair[1], StringComparer.OrdinalIgnoreCase);
            case "createarray":
                return arguments;
        }

        if (arguments.Any(a => a is ArmSymbol))
        {
            return Symbol(name, arguments);
        }

        return function switch
        {
            "concat" => arguments.Cast<List<object?>>().SelectMany(a => a).ToList(),
            "length" => arguments[0] switch
            {
                string s => (long)s.Length,
                List<object?> list => (long)list.Count,
                Dictionary<string, object?> map => (long)map.Count,
                _ => Symbol(name, arguments),
            },
            "empty" => arguments[0] switch
            {
                null => true,
                string s => s.Length == 0,
                List<object?> list => list.Count == 0,
                Dictionary<string, object?> map => map.Count == 0,
                _ => Symbol(name, arguments),
            },
            "items" => ((Dictionary<string, object?>)arguments[0]!)
                .OrderBy(p => p.Key, StringComparer.OrdinalIgnoreCase)
                .Select(p => (object?)new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase) { ["key"] = p.Key, ["value"] = p.Value })
                .ToList(),
            "not" => !(bool)arguments[0]!,
            "and" => arguments.All(a => (bool)a!),
            "or" => arguments.Any(a => (bool)a!),
            "equals" => Equals(arguments[0], arguments[1]),
            "tolower" => Text(arguments[0]).ToLowerInvariant(),
            "toupper" => Text(arguments[0]).ToUpperInvariant(),
            "string" => Text(arguments[0]),
            "coalesce" => arguments.FirstOrDefault(a => a is not null),
            "union" when arguments.All(a => a is Dictionary<string, object?>) => arguments
                .Cast<Dictionary<string, object?>>()
                .SelectMany(map => map)
                .GroupBy(p => p.Key, StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.OrdinalIgnoreCase),
            _ => Symbol(name, arguments),
        };
    }

    /// <summary><c>target.name</c>; on a symbol, a longer symbol.</summary>
    public static object? Member(object? target, string name) => target switch
    {
        ArmSymbol symbol => new ArmSymbol($"{symbol.Expression}.{name}"),
        Dictionary<string, object?> map when map.TryGetValue(name, out var value) => value,
        _ => throw new InvalidOperationException($"{Render(target)} has no property '{name}'."),
    };

    /// <summary><c>target[key]</c>; on a symbol, a longer symbol.</summary>
    public static object? Index(object? target, object? key) => (target, key) switch
    {
        (List<object?> list, long i) => list[(int)i],
        (Dictionary<string, object?> map, string k) when map.TryGetValue(k, out var value) => value,
        (ArmSymbol, _) or (_, ArmSymbol) => new ArmSymbol($"{Render(target)}[{Render(key)}]"),
        _ => throw new InvalidOperationException($"{Render(target)} has no element {Render(key)}."),
    };

    /// <summary>
    /// A resource id without its subscription and resource group: <c>Microsoft.Storage/storageAccounts/NAME</c>.
    /// The arguments are those of <c>resourceId()</c>: optional scope values, the type, then one name per type segment.
    /// </summary>
    public static string ResourceId(IReadOnlyList<string> arguments)
    {
        int typeAt = arguments.ToList().FindIndex(IsResourceType);
        return typeAt < 0
            ? throw new InvalidOperationException($"resourceId({string.Join(", ", arguments)}) names no resource type.")
            : ResourceId(arguments[typeAt], arguments.Skip(typeAt + 1).ToArray());
    }

    /// <summary>The id of a resource of <paramref name="type"/> with name segments <paramref name="names"/>.</summary>
    public static string ResourceId(string type, IReadOnlyList<string> names)
    {
        var segments = type.Split('/');
        if (names.Count != segments.Length - 1)
        {
            throw new InvalidOperationException($"{type} needs {segments.Length - 1} name segments, not [{string.Join(", ", names)}].");
        }

        return segments[0] + string.Concat(segments.Skip(1).Zip(names, (t, n) => $"/{t}/{n}"));
    }

    /// <summary>The '/'-separated segments of a resource name, leaving the insides of symbols whole.</summary>
    public static IReadOnlyList<string> NameSegments(string name)
    {
        var segments = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < name.Length; i++)
        {
            switch (name[i])
            {
                case '⟨':
                    depth++;
                    break;
                case '⟩':
                    depth--;
                    break;
                case '/' when depth == 0:
                    segments.Add(name[start..i]);
                    start = i + 1;
                    break;
            }
        }

        segments.Add(name[start..]);
        return segments;
    }

    /// <summary>A value as it reads inside a string.</summary>
    public static string Text(object? value) => value switch
    {
        null => string.Empty,
        string s => s,
        bool b => b ? "True" : "False",
        long n => n.ToString(CultureInfo.InvariantCulture),
        ArmSymbol symbol => symbol.ToString(),
        _ => Render(value),
    };

    /// <summary>A value as it would be written in an expression, for symbols and messages.</summary>
    public static string Render(object? value) => value switch
    {
        null => "null",
        string s => $"'{s}'",
        bool b => b ? "true" : "false",
        long n => n.ToString(CultureInfo.InvariantCulture),
        ArmSymbol symbol => symbol.Expression,
        List<object?> list => $"[{string.Join(", ", list.Select(Render))}]",
        Dictionary<string, object?> map => $"{{{string.Join(", ", map.Select(p => $"{p.Key}: {Render(p.Value)}"))}}}",
        _ => value.ToString() ?? string.Empty,
    };

    static ArmSymbol Symbol(string function, List<object?> arguments) => new($"{function}({string.Join(", ", arguments.Select(Render))})");

    static bool IsResourceType(string text) =>
        !text.Contains('⟨', StringComparison.Ordinal) && text.Contains('/', StringComparison.Ordinal) && text.Split('/')[0].Contains('.', StringComparison.Ordinal);
}
