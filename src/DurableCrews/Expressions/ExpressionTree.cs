namespace DurableCrews.Expressions;

/// <summary>Walks a parsed expression's tree: a node's children, and the bound on the tree's depth.</summary>
internal static class ExpressionTree
{
    /// <summary>
    /// Left-associative chains (<c>a + b + c …</c>) grow the tree without nesting the parse; the evaluator recurses on
    /// the tree, so its depth is bounded too. Stops descending once past the bound.
    /// </summary>
    public static void CheckDepth(ExpressionNode node, int level = 1)
    {
        if (level > CrewExpression.MaxDepth)
        {
            throw new ExpressionException($"The expression is nested more than {CrewExpression.MaxDepth} levels deep.", node.Position);
        }

        foreach (var child in Children(node))
        {
            CheckDepth(child, level + 1);
        }
    }

    /// <summary>The nodes directly under <paramref name="node"/>.</summary>
    public static IEnumerable<ExpressionNode> Children(ExpressionNode node) => node switch
    {
        FieldNode n => [n.Target],
        IndexNode n => [n.Target, n.Index],
        UnaryNode n => [n.Operand],
        BinaryNode n => [n.Left, n.Right],
        ConditionalNode n => [n.Condition, n.Then, n.Otherwise],
        ListNode n => n.Items,
        MapNode n => n.Entries.SelectMany(e => new[] { e.Key, e.Value }),
        CallNode n => n.Target is null ? n.Arguments : [n.Target, .. n.Arguments],
        HasNode n => [n.Target],
        ComprehensionNode n => [n.Range, n.Body],
        _ => [],
    };
}
