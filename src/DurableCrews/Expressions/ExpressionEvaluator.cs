using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DurableCrews.Expressions;

/// <summary>
/// Evaluates a parsed expression over JSON values. Every node and every element an operator touches costs a step, and
/// strings and lists that operators build are bounded, so an evaluation ends in bounded time and size whatever the
/// input. Pure: no clock, no randomness, no I/O (it runs inside orchestrators, which replay it).
/// </summary>
internal sealed class ExpressionEvaluator
{
    readonly JsonObject variables;
    readonly Dictionary<string, JsonNode?> bound = [];
    long steps;

    public ExpressionEvaluator(JsonObject variables) => this.variables = variables;

    public JsonNode? Evaluate(ExpressionNode node)
    {
        Spend(1, node);
        return node switch
        {
            LiteralNode n => n.Value?.DeepClone(),
            NameNode n => Lookup(n),
            FieldNode n => Field(Evaluate(n.Target), n.Field, n),
            IndexNode n => Index(Evaluate(n.Target), Evaluate(n.Index), n),
            UnaryNode n => Unary(n),
            BinaryNode { Operator: "&&" or "||" } n => Logical(n),
            BinaryNode n => Binary(n.Operator, Evaluate(n.Left), Evaluate(n.Right), n),
            ConditionalNode n => Bool(Evaluate(n.Condition), n.Condition, "the condition of '?'") ? Evaluate(n.Then) : Evaluate(n.Otherwise),
            ListNode n => List(n.Items.Select(Evaluate), n),
            MapNode n => Map(n),
            HasNode n => Has(n),
            CallNode n => Call(n),
            ComprehensionNode n => Comprehension(n),
            _ => throw new ExpressionException("Unsupported expression.", node.Position),
        };
    }

    void Spend(long cost, ExpressionNode at)
    {
        steps += cost;
        if (steps > CrewExpression.MaxSteps)
        {
            throw new ExpressionException($"The expression took more than {CrewExpression.MaxSteps} evaluation steps.", at.Position);
        }
    }

    JsonNode? Lookup(NameNode name)
    {
        if (bound.TryGetValue(name.Name, out var value))
        {
            return value;
        }

        return variables.TryGetPropertyValue(name.Name, out value)
            ? value
            : throw new ExpressionException($"Unknown name '{name.Name}'; known: {string.Join(", ", variables.Select(v => v.Key).Concat(bound.Keys).Take(20))}.", name.Position);
    }

    static JsonNode? Field(JsonNode? target, string field, ExpressionNode at) => target switch
    {
        JsonObject map when map.TryGetPropertyValue(field, out var value) => value,
        JsonObject map => throw new ExpressionException($"No field '{field}' here; fields: {string.Join(", ", map.Select(p => p.Key).Take(20))}.", at.Position),
        null => throw new ExpressionException($"Cannot read field '{field}' of null.", at.Position),
        _ => throw new ExpressionException($"Cannot read field '{field}' of a {ValueKinds.Name(target)}.", at.Position),
    };

    static JsonNode? Index(JsonNode? target, JsonNode? index, IndexNode at)
    {
        if (target is JsonObject)
        {
            return index is JsonValue key && key.GetValueKind() == JsonValueKind.String
                ? Field(target, key.GetValue<string>(), at)
                : throw new ExpressionException($"A map's key is a string, not a {ValueKinds.Name(index)}.", at.Index.Position);
        }

        if (target is not JsonArray list)
        {
            throw new ExpressionException($"Cannot index a {ValueKinds.Name(target)}.", at.Position);
        }

        if (ValueKinds.Of(index) != ValueKind.Int)
        {
            throw new ExpressionException($"A list's index is an int, not a {ValueKinds.Name(index)}.", at.Index.Position);
        }

        long i = ValueKinds.Int(index);
        return i >= 0 && i < list.Count
            ? list[(int)i]
            : throw new ExpressionException($"Index {i} is out of range for a list of {list.Count}.", at.Index.Position);
    }

    JsonNode? Unary(UnaryNode node)
    {
        var operand = Evaluate(node.Operand);
        if (node.Operator == "!")
        {
            return JsonValue.Create(!Bool(operand, node.Operand, "'!'"));
        }

        return ValueKinds.Of(operand) switch
        {
            ValueKind.Int => Checked(() => JsonValue.Create(-ValueKinds.Int(operand)), node),
            ValueKind.Double => JsonValue.Create(-ValueKinds.Double(operand)),
            _ => throw new ExpressionException($"'-' takes a number, not a {ValueKinds.Name(operand)}.", node.Position),
        };
    }

    JsonNode? Logical(BinaryNode node)
    {
        bool left = Bool(Evaluate(node.Left), node.Left, $"'{node.Operator}'");
        if (left == (node.Operator == "||"))
        {
            return JsonValue.Create(left);
        }

        return JsonValue.Create(Bool(Evaluate(node.Right), node.Right, $"'{node.Operator}'"));
    }

    JsonNode? Binary(string op, JsonNode? left, JsonNode? right, ExpressionNode at)
    {
        switch (op)
        {
            case "==": return JsonValue.Create(Equal(left, right, at));
            case "!=": return JsonValue.Create(!Equal(left, right, at));
            case "<": return JsonValue.Create(Compare(left, right, op, at) < 0);
            case "<=": return JsonValue.Create(Compare(left, right, op, at) <= 0);
            case ">": return JsonValue.Create(Compare(left, right, op, at) > 0);
            case ">=": return JsonValue.Create(Compare(left, right, op, at) >= 0);
            case "in": return JsonValue.Create(In(left, right, at));
            case "+" when left is JsonArray a && right is JsonArray b:
                return List(a.Concat(b), at);
            case "+" when ValueKinds.Of(left) == ValueKind.String && ValueKinds.Of(right) == ValueKind.String:
            {
                string text = left!.GetValue<string>() + right!.GetValue<string>();
                Spend(text.Length / 64, at);
                return text.Length <= CrewExpression.MaxStringLength
                    ? JsonValue.Create(text)
                    : throw new ExpressionException($"A string would be longer than {CrewExpression.MaxStringLength} characters.", at.Position);
            }
        }

        var (leftKind, rightKind) = (ValueKinds.Of(left), ValueKinds.Of(right));
        if (leftKind is not (ValueKind.Int or ValueKind.Double) || rightKind is not (ValueKind.Int or ValueKind.Double))
        {
            throw new ExpressionException($"'{op}' does not take a {ValueKinds.Name(left)} and a {ValueKinds.Name(right)}.", at.Position);
        }

        if (leftKind == ValueKind.Int && rightKind == ValueKind.Int)
        {
            long a = ValueKinds.Int(left), b = ValueKinds.Int(right);
            if (op is "/" or "%" && b == 0)
            {
                throw new ExpressionException(op == "/" ? "Division by zero." : "Modulus by zero.", at.Position);
            }

            return Checked(() => JsonValue.Create(op switch { "+" => checked(a + b), "-" => checked(a - b), "*" => checked(a * b), "/" => checked(a / b), _ => checked(a % b) }), at);
        }

        if (op == "%")
        {
            throw new ExpressionException("'%' takes ints.", at.Position);
        }

        double x = ValueKinds.Double(left), y = ValueKinds.Double(right);
        double result = op switch { "+" => x + y, "-" => x - y, "*" => x * y, _ => x / y };
        return double.IsFinite(result) ? JsonValue.Create(result) : throw new ExpressionException($"'{op}' gives a number that is not finite.", at.Position);
    }

    static JsonNode? Checked(Func<JsonNode?> arithmetic, ExpressionNode at)
    {
        try
        {
            return arithmetic();
        }
        catch (OverflowException)
        {
            throw new ExpressionException("Integer overflow.", at.Position);
        }
    }

    bool Equal(JsonNode? left, JsonNode? right, ExpressionNode at)
    {
        Spend(1, at);
        var (leftKind, rightKind) = (ValueKinds.Of(left), ValueKinds.Of(right));
        if (leftKind is ValueKind.Int or ValueKind.Double && rightKind is ValueKind.Int or ValueKind.Double)
        {
            return leftKind == ValueKind.Int && rightKind == ValueKind.Int
                ? ValueKinds.Int(left) == ValueKinds.Int(right)
                : ValueKinds.Double(left).Equals(ValueKinds.Double(right));
        }

        if (leftKind != rightKind)
        {
            return false;
        }

        return leftKind switch
        {
            ValueKind.Null => true,
            ValueKind.Bool => left!.GetValue<bool>() == right!.GetValue<bool>(),
            ValueKind.String => left!.GetValue<string>() == right!.GetValue<string>(),
            ValueKind.List => ((JsonArray)left!).Count == ((JsonArray)right!).Count && ((JsonArray)left!).Zip((JsonArray)right!).All(p => Equal(p.First, p.Second, at)),
            _ => ((JsonObject)left!).Count == ((JsonObject)right!).Count
                && ((JsonObject)left!).All(p => ((JsonObject)right!).TryGetPropertyValue(p.Key, out var other) && Equal(p.Value, other, at)),
        };
    }

    static int Compare(JsonNode? left, JsonNode? right, string op, ExpressionNode at)
    {
        var (leftKind, rightKind) = (ValueKinds.Of(left), ValueKinds.Of(right));
        if (leftKind is ValueKind.Int or ValueKind.Double && rightKind is ValueKind.Int or ValueKind.Double)
        {
            return leftKind == ValueKind.Int && rightKind == ValueKind.Int
                ? ValueKinds.Int(left).CompareTo(ValueKinds.Int(right))
                : ValueKinds.Double(left).CompareTo(ValueKinds.Double(right));
        }

        return (leftKind, rightKind) switch
        {
            (ValueKind.String, ValueKind.String) => string.CompareOrdinal(left!.GetValue<string>(), right!.GetValue<string>()),
            (ValueKind.Bool, ValueKind.Bool) => left!.GetValue<bool>().CompareTo(right!.GetValue<bool>()),
            _ => throw new ExpressionException($"'{op}' cannot compare a {ValueKinds.Name(left)} with a {ValueKinds.Name(right)}.", at.Position),
        };
    }

    bool In(JsonNode? item, JsonNode? container, ExpressionNode at) => container switch
    {
        JsonArray list => list.Any(element => Equal(item, element, at)),
        JsonObject map => ValueKinds.Of(item) == ValueKind.String
            ? map.ContainsKey(item!.GetValue<string>())
            : throw new ExpressionException($"A map's key is a string, not a {ValueKinds.Name(item)}.", at.Position),
        _ => throw new ExpressionException($"'in' takes a list or a map on its right, not a {ValueKinds.Name(container)}.", at.Position),
    };

    JsonArray List(IEnumerable<JsonNode?> items, ExpressionNode at)
    {
        var list = new JsonArray();
        foreach (var item in items)
        {
            Spend(1, at);
            if (list.Count >= CrewExpression.MaxListLength)
            {
                throw new ExpressionException($"A list would have more than {CrewExpression.MaxListLength} items.", at.Position);
            }

            list.Add(Own(item));
        }

        return list;
    }

    JsonObject Map(MapNode node)
    {
        var map = new JsonObject();
        foreach (var (keyNode, valueNode) in node.Entries)
        {
            var key = Evaluate(keyNode);
            if (ValueKinds.Of(key) != ValueKind.String)
            {
                throw new ExpressionException($"A map's key is a string, not a {ValueKinds.Name(key)}.", keyNode.Position);
            }

            if (!map.TryAdd(key!.GetValue<string>(), Own(Evaluate(valueNode))))
            {
                throw new ExpressionException($"The key '{key.GetValue<string>()}' appears twice.", keyNode.Position);
            }
        }

        return map;
    }

    JsonNode? Has(HasNode node) => Evaluate(node.Target) switch
    {
        // A missing part of an optional output (a task's json when it had none) reads as absent, not as an error.
        null => JsonValue.Create(false),
        JsonObject map => JsonValue.Create(map.ContainsKey(node.Field)),
        var other => throw new ExpressionException($"has() needs a map, not a {ValueKinds.Name(other)}.", node.Position),
    };

    JsonNode? Call(CallNode node)
    {
        var receiver = node.Target is null ? null : Evaluate(node.Target);
        var arguments = node.Arguments.Select(Evaluate).ToList();
        var subject = node.Target is null ? arguments[0] : receiver;
        switch (node.Function)
        {
            case "size":
                return JsonValue.Create(subject switch
                {
                    JsonArray list => list.Count,
                    JsonObject map => map.Count,
                    JsonValue value when value.GetValueKind() == JsonValueKind.String => (long)value.GetValue<string>().EnumerateRunes().Count(),
                    _ => throw new ExpressionException($"size() takes a string, a list or a map, not a {ValueKinds.Name(subject)}.", node.Position),
                });
            case "int": return ToInt(subject, node);
            case "double": return ToDouble(subject, node);
            case "string": return ToText(subject, node);
        }

        string text = String(receiver, node, node.Function);
        string argument = String(arguments[0], node.Arguments[0], node.Function);
        return JsonValue.Create(node.Function switch
        {
            "contains" => text.Contains(argument, StringComparison.Ordinal),
            "startsWith" => text.StartsWith(argument, StringComparison.Ordinal),
            _ => text.EndsWith(argument, StringComparison.Ordinal),
        });
    }

    static JsonNode? ToInt(JsonNode? value, ExpressionNode at)
    {
        switch (ValueKinds.Of(value))
        {
            case ValueKind.Int:
                return value;
            case ValueKind.Double:
                double number = Math.Truncate(ValueKinds.Double(value));
                return number is >= long.MinValue and < 9.2233720368547758E18
                    ? JsonValue.Create((long)number)
                    : throw new ExpressionException("int() of a number out of range.", at.Position);
            case ValueKind.String when long.TryParse(value!.GetValue<string>(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long parsed):
                return JsonValue.Create(parsed);
            default:
                throw new ExpressionException($"int() cannot convert a {ValueKinds.Name(value)}{(value is JsonValue ? $" ({value.ToJsonString()})" : "")}.", at.Position);
        }
    }

    static JsonNode? ToDouble(JsonNode? value, ExpressionNode at) => ValueKinds.Of(value) switch
    {
        ValueKind.Int or ValueKind.Double => JsonValue.Create(ValueKinds.Double(value)),
        ValueKind.String when double.TryParse(value!.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) && double.IsFinite(parsed) => JsonValue.Create(parsed),
        _ => throw new ExpressionException($"double() cannot convert a {ValueKinds.Name(value)}.", at.Position),
    };

    static JsonNode? ToText(JsonNode? value, ExpressionNode at) => ValueKinds.Of(value) switch
    {
        ValueKind.String => value,
        ValueKind.Int => JsonValue.Create(ValueKinds.Int(value).ToString(CultureInfo.InvariantCulture)),
        ValueKind.Double => JsonValue.Create(ValueKinds.Double(value).ToString("R", CultureInfo.InvariantCulture)),
        ValueKind.Bool => JsonValue.Create(value!.GetValue<bool>() ? "true" : "false"),
        ValueKind.Null => JsonValue.Create("null"),
        _ => throw new ExpressionException($"string() cannot convert a {ValueKinds.Name(value)}.", at.Position),
    };

    JsonNode? Comprehension(ComprehensionNode node)
    {
        var range = Evaluate(node.Range);
        IEnumerable<JsonNode?> items = range switch
        {
            JsonArray list => list,
            JsonObject map => map.Select(p => (JsonNode?)JsonValue.Create(p.Key)),
            _ => throw new ExpressionException($"{node.Macro}() needs a list or a map, not a {ValueKinds.Name(range)}.", node.Position),
        };

        bool shadows = bound.TryGetValue(node.Variable, out var outer);
        try
        {
            var kept = new List<JsonNode?>();
            int matches = 0;
            foreach (var item in items)
            {
                bound[node.Variable] = item;
                var result = Evaluate(node.Body);
                if (node.Macro == "map")
                {
                    kept.Add(result);
                    continue;
                }

                bool match = Bool(result, node.Body, $"{node.Macro}()");
                switch (node.Macro)
                {
                    case "all" when !match: return JsonValue.Create(false);
                    case "exists" when match: return JsonValue.Create(true);
                    case "exists_one" or "filter" when match:
                        matches++;
                        kept.Add(item);
                        break;
                }
            }

            return node.Macro switch
            {
                "all" => JsonValue.Create(true),
                "exists" => JsonValue.Create(false),
                "exists_one" => JsonValue.Create(matches == 1),
                _ => List(kept, node),
            };
        }
        finally
        {
            if (shadows)
            {
                bound[node.Variable] = outer;
            }
            else
            {
                bound.Remove(node.Variable);
            }
        }
    }

    static bool Bool(JsonNode? value, ExpressionNode at, string what) =>
        ValueKinds.Of(value) == ValueKind.Bool
            ? value!.GetValue<bool>()
            : throw new ExpressionException($"{char.ToUpperInvariant(what[0])}{what[1..]} needs a bool, not a {ValueKinds.Name(value)}.", at.Position);

    static string String(JsonNode? value, ExpressionNode at, string function) =>
        ValueKinds.Of(value) == ValueKind.String
            ? value!.GetValue<string>()
            : throw new ExpressionException($"{function}() takes strings, not a {ValueKinds.Name(value)}.", at.Position);

    /// <summary>A node already inside a container (a variable's part) is copied, since a JSON node has one parent.</summary>
    static JsonNode? Own(JsonNode? node) => node?.Parent is null ? node : node.DeepClone();
}
