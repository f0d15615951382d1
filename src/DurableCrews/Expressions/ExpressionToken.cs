namespace DurableCrews.Expressions;

/// <summary>What a token is: a literal, a name, or one of the operators and punctuation.</summary>
internal enum TokenKind
{
    End,
    Int,
    Double,
    String,
    Identifier,
    Operator,
}

/// <summary>One token of an expression: its kind, its text (a string literal's decoded value), where it starts.</summary>
internal readonly record struct ExpressionToken(TokenKind Kind, string Text, int Position)
{
    public bool Is(string op) => Kind == TokenKind.Operator && Text == op;
}
