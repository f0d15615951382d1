using System.Text.Json.Nodes;

namespace DurableCrews.Expressions;

/// <summary>
/// An expression in CEL's syntax, as a crew's <c>condition</c> and <c>for_each</c> and a flow's <c>when</c>, <c>set</c>
/// and <c>for_each</c> write it: literals (ints, doubles, '' and "" strings, true/false/null, lists, maps), names and
/// field paths (<c>research.json.count</c>), indexing (<c>a[0]</c>, <c>a["k"]</c>), <c>== != &lt; &lt;= &gt; &gt;= &amp;&amp; || !</c>,
/// <c>+ - * / %</c> (+ also joins strings and lists), <c>? :</c>, <c>in</c>, <c>size()</c>, <c>has(a.b)</c>, the string
/// methods <c>contains</c>, <c>startsWith</c>, <c>endsWith</c>, the conversions <c>int()</c>, <c>double()</c>,
/// <c>string()</c> and the macros <c>all</c>, <c>exists</c>, <c>exists_one</c>, <c>map</c>, <c>filter</c>.
/// </summary>
/// <remarks>
/// Written here rather than taken from the <c>Cel</c> package (0.3.3, judged December 2026): that package does not read
/// System.Text.Json nodes (a field of a <c>JsonObject</c> is "not supported for field selection"), has no evaluation
/// budget, and a 3,000-deep nesting of parentheses (well inside the text bound) overflowed the stack in its ANTLR
/// parser, which ends the process instead of throwing; it also brings ANTLR, Protobuf and a time zone database. What the
/// crews need is a small subset, which a recursive-descent parser covers with its nesting, its text and its evaluation
/// bounded. Values are JSON: a number is an int when written without a fraction or exponent, and ints and doubles
/// compare and mix as numbers (CEL keeps them apart; JSON outputs do not).
/// </remarks>
public sealed class CrewExpression
{
    /// <summary>The longest expression text accepted, in characters.</summary>
    public const int MaxLength = 4096;

    /// <summary>How deeply an expression may nest (parentheses, operators, calls).</summary>
    public const int MaxDepth = 64;

    /// <summary>How many steps one evaluation may take (each node, each element compared or copied).</summary>
    public const int MaxSteps = 100_000;

    /// <summary>The longest string an evaluation may build, in characters.</summary>
    public const int MaxStringLength = 100_000;

    /// <summary>The most items a list an evaluation builds may have.</summary>
    public const int MaxListLength = 10_000;

    readonly ExpressionNode root;

    CrewExpression(string text, ExpressionNode root)
    {
        Text = text;
        this.root = root;
        var roots = new List<string>();
        CollectRoots(root, [], roots);
        Roots = roots;
    }

    /// <summary>The expression as written.</summary>
    public string Text { get; }

    /// <summary>The distinct top-level names the expression reads, in order of first appearance (for checking them against the names a place offers).</summary>
    public IReadOnlyList<string> Roots { get; }

    /// <summary>Parses an expression.</summary>
    /// <exception cref="ExpressionException">The text does not parse, is longer than <see cref="MaxLength"/> or nests deeper than <see cref="MaxDepth"/>.</exception>
    public static CrewExpression Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
        {
            throw new ExpressionException($"The expression is {text.Length} characters long; at most {MaxLength} are allowed.", MaxLength);
        }

        return new CrewExpression(text, ExpressionParser.Parse(text));
    }

    /// <summary>Evaluates the expression with <paramref name="variables"/> as its top-level names. The result is the caller's own (not part of the variables).</summary>
    /// <exception cref="ExpressionException">
    /// An unknown name or field, a type error, an index out of range, an overflow, or more than <see cref="MaxSteps"/>
    /// steps or a string or list past its bound.
    /// </exception>
    public JsonNode? Evaluate(JsonObject variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var result = new ExpressionEvaluator(variables).Evaluate(root);
        return result?.Parent is null ? result : result.DeepClone();
    }

    /// <summary>Evaluates the expression as a condition.</summary>
    /// <exception cref="ExpressionException">As <see cref="Evaluate"/>, or the result is not a bool.</exception>
    public bool EvaluateCondition(JsonObject variables)
    {
        var result = Evaluate(variables);
        return ValueKinds.Of(result) == ValueKind.Bool
            ? result!.GetValue<bool>()
            : throw new ExpressionException($"The condition gives a {ValueKinds.Name(result)}, not a bool.", 0);
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    static void CollectRoots(ExpressionNode node, HashSet<string> boundNames, List<string> roots)
    {
        switch (node)
        {
            case NameNode name when !boundNames.Contains(name.Name) && !roots.Contains(name.Name):
                roots.Add(name.Name);
                return;
            case ComprehensionNode comprehension:
                CollectRoots(comprehension.Range, boundNames, roots);
                CollectRoots(comprehension.Body, [.. boundNames, comprehension.Variable], roots);
                return;
        }

        foreach (var child in ExpressionTree.Children(node))
        {
            CollectRoots(child, boundNames, roots);
        }
    }
}
