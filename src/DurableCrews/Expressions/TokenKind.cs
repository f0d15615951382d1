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
