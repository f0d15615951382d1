namespace DurableCrews.Expressions;

/// <summary>One token of an expression: its kind, its text (a string literal's decoded value), where it starts.</summary>
internal readonly record struct ExpressionToken(TokenKind Kind, string Text, int Position)
{
    public bool Is(string op) => Kind == TokenKind.Operator && Text == op;
}
