using System.Text.Json.Nodes;

namespace DurableCrews.Expressions;

/// <summary>
/// What one evaluation may spend: every node and every element an operator touches costs a step, and the lists and
/// strings it builds are bounded, so an evaluation ends in bounded time and size whatever the input.
/// </summary>
internal sealed class ExpressionBudget
{
    long steps;

    /// <summary>Spends <paramref name="cost"/> steps; throws, at <paramref name="at"/>, past <see cref="CrewExpression.MaxSteps"/>.</summary>
    public void Spend(long cost, ExpressionNode at)
    {
        steps += cost;
        if (steps > CrewExpression.MaxSteps)
        {
            throw new ExpressionException($"The expression took more than {CrewExpression.MaxSteps} evaluation steps.", at.Position);
        }
    }

    /// <summary>A new list of <paramref name="items"/>, a step each, at most <see cref="CrewExpression.MaxListLength"/> long.</summary>
    public JsonArray List(IEnumerable<JsonNode?> items, ExpressionNode at)
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

    /// <summary>Two strings joined, at most <see cref="CrewExpression.MaxStringLength"/> long.</summary>
    public JsonValue Concat(string left, string right, ExpressionNode at)
    {
        string text = left + right;
        Spend(text.Length / 64, at);
        return text.Length <= CrewExpression.MaxStringLength
            ? JsonValue.Create(text)
            : throw new ExpressionException($"A string would be longer than {CrewExpression.MaxStringLength} characters.", at.Position);
    }

    /// <summary>A node already inside a container (a variable's part) is copied, since a JSON node has one parent.</summary>
    public static JsonNode? Own(JsonNode? node) => node?.Parent is null ? node : node.DeepClone();
}
