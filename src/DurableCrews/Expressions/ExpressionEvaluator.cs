using System.Text.Json.Nodes;

namespace DurableCrews.Expressions;

/// <summary>
/// Evaluates a parsed expression over JSON values: names, conditionals, logic, maps and comprehensions here; operators
/// in <see cref="ValueOperators"/>, functions in <see cref="ExpressionFunctions"/>, all within one
/// <see cref="ExpressionBudget"/>. Pure: no clock, no randomness, no I/O (it runs inside orchestrators, which replay it).
/// </summary>
internal sealed class ExpressionEvaluator
{
    readonly JsonObject variables;
    readonly Dictionary<string, JsonNode?> bound = [];
    readonly ExpressionBudget budget = new();
    readonly ValueOperators operators;

    public ExpressionEvaluator(JsonObject variables)
    {
        this.variables = variables;
        operators = new ValueOperators(budget);
    }

    public JsonNode? Evaluate(ExpressionNode node)
    {
        budget.Spend(1, node);
        return node switch
        {
            LiteralNode n => n.Value?.DeepClone(),
            NameNode n => Lookup(n),
            FieldNode n => ValueAccess.Field(Evaluate(n.Target), n.Field, n),
            IndexNode n => ValueAccess.Index(Evaluate(n.Target), Evaluate(n.Index), n),
            UnaryNode n => Unary(n),
            BinaryNode { Operator: "&&" or "||" } n => Logical(n),
            BinaryNode n => operators.Binary(n.Operator, Evaluate(n.Left), Evaluate(n.Right), n),
            ConditionalNode n => Bool(Evaluate(n.Condition), n.Condition, "the condition of '?'") ? Evaluate(n.Then) : Evaluate(n.Otherwise),
            ListNode n => budget.List(n.Items.Select(Evaluate), n),
            MapNode n => Map(n),
            HasNode n => Has(n),
            CallNode n => Call(n),
            ComprehensionNode n => Comprehension(n),
            _ => throw new ExpressionException("Unsupported expression.", node.Position),
        };
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

    JsonNode? Unary(UnaryNode node)
    {
        var operand = Evaluate(node.Operand);
        if (node.Operator == "!")
        {
            return JsonValue.Create(!Bool(operand, node.Operand, "'!'"));
        }

        return ValueKinds.Of(operand) switch
        {
            ValueKind.Int => ValueOperators.Checked(() => JsonValue.Create(-ValueKinds.Int(operand)), node),
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

            if (!map.TryAdd(key!.GetValue<string>(), ExpressionBudget.Own(Evaluate(valueNode))))
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
        return ExpressionFunctions.Apply(node, receiver, arguments);
    }

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
                _ => budget.List(kept, node),
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
}
