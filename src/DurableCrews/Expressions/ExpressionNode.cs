namespace DurableCrews.Expressions;

/// <summary>A node of a parsed expression; <see cref="Position"/> is where its text starts, for errors.</summary>
/// <remarks>The node kinds are one closed set that the parser builds and the evaluator matches on, so they are kept together here.</remarks>
internal abstract record ExpressionNode(int Position);

/// <summary>A literal: int (long), double, string, bool or null, held as its JSON value.</summary>
internal sealed record LiteralNode(int Position, System.Text.Json.Nodes.JsonNode? Value) : ExpressionNode(Position);

/// <summary>A top-level name (a variable), or a comprehension's bound name.</summary>
internal sealed record NameNode(int Position, string Name) : ExpressionNode(Position);

/// <summary><c>target.field</c>.</summary>
internal sealed record FieldNode(int Position, ExpressionNode Target, string Field) : ExpressionNode(Position);

/// <summary><c>target[index]</c>.</summary>
internal sealed record IndexNode(int Position, ExpressionNode Target, ExpressionNode Index) : ExpressionNode(Position);

/// <summary>A unary operator: <c>!</c> or <c>-</c>.</summary>
internal sealed record UnaryNode(int Position, string Operator, ExpressionNode Operand) : ExpressionNode(Position);

/// <summary>A binary operator, <c>&amp;&amp;</c> and <c>||</c> included (they short-circuit).</summary>
internal sealed record BinaryNode(int Position, string Operator, ExpressionNode Left, ExpressionNode Right) : ExpressionNode(Position);

/// <summary><c>condition ? then : otherwise</c>.</summary>
internal sealed record ConditionalNode(int Position, ExpressionNode Condition, ExpressionNode Then, ExpressionNode Otherwise) : ExpressionNode(Position);

/// <summary>A list literal.</summary>
internal sealed record ListNode(int Position, IReadOnlyList<ExpressionNode> Items) : ExpressionNode(Position);

/// <summary>A map literal; keys are expressions that must yield strings.</summary>
internal sealed record MapNode(int Position, IReadOnlyList<(ExpressionNode Key, ExpressionNode Value)> Entries) : ExpressionNode(Position);

/// <summary>A function call, <c>size(x)</c>, or a method call, <c>x.contains(y)</c> (the receiver is <see cref="Target"/>).</summary>
internal sealed record CallNode(int Position, string Function, ExpressionNode? Target, IReadOnlyList<ExpressionNode> Arguments) : ExpressionNode(Position);

/// <summary><c>has(target.field)</c>: whether the map has the field, without reading it.</summary>
internal sealed record HasNode(int Position, ExpressionNode Target, string Field) : ExpressionNode(Position);

/// <summary>A CEL macro over a list or a map's keys: <c>all</c>, <c>exists</c>, <c>exists_one</c>, <c>map</c>, <c>filter</c>.</summary>
internal sealed record ComprehensionNode(int Position, string Macro, ExpressionNode Range, string Variable, ExpressionNode Body) : ExpressionNode(Position);
