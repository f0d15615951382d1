namespace DurableCrews.Expressions;

/// <summary>
/// An expression that does not parse, reads a name it was not given, mixes types an operator does not take, or
/// exceeds the bounds on its size or its evaluation. The message says what was wrong; <see cref="Position"/> says where.
/// </summary>
public sealed class ExpressionException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was wrong, for a person.</param>
    /// <param name="position">The 0-based character offset in the expression's text of the part at fault.</param>
    public ExpressionException(string message, int position)
        : base(message) => Position = position;

    /// <summary>The 0-based character offset in the expression's text of the part at fault.</summary>
    public int Position { get; }
}
