using System.Text.Json.Nodes;

namespace DurableCrews.Expressions;

/// <summary>The binary operators on values: equality, ordering, <c>in</c>, arithmetic and concatenation, charged to one evaluation's budget.</summary>
internal sealed class ValueOperators(ExpressionBudget budget)
{
    /// <summary>Applies a binary operator other than <c>&amp;&amp;</c> and <c>||</c> (which <see cref="ExpressionEvaluator"/> short-circuits).</summary>
    public JsonNode? Binary(string op, JsonNode? left, JsonNode? right, ExpressionNode at)
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
                return budget.List(a.Concat(b), at);
            case "+" when ValueKinds.Of(left) == ValueKind.String && ValueKinds.Of(right) == ValueKind.String:
                return budget.Concat(left!.GetValue<string>(), right!.GetValue<string>(), at);
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

    /// <summary>Integer arithmetic, its overflow reported at <paramref name="at"/>.</summary>
    public static JsonNode? Checked(Func<JsonNode?> arithmetic, ExpressionNode at)
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
        budget.Spend(1, at);
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
}
