using System.Globalization;
using System.Text;

namespace DurableCrews.InfraTests.Support;

/// <summary>A template language expression such as <c>[format('st{0}', variables('token'))]</c>, parsed.</summary>
abstract record ArmExpression
{
    /// <summary>Whether a template string is an expression rather than a literal (<c>[[</c> escapes a literal bracket).</summary>
    public static bool IsExpression(string text) =>
        text.Length >= 2 && text[0] == '[' && text[^1] == ']' && !text.StartsWith("[[", StringComparison.Ordinal);

    /// <summary>Parses an expression string, brackets included.</summary>
    /// <exception cref="FormatException">The text is not an expression this parser understands.</exception>
    public static ArmExpression Parse(string text)
    {
        if (!IsExpression(text))
        {
            throw new FormatException($"'{text}' is not a template expression.");
        }

        var parser = new Parser(text[1..^1]);
        var expression = parser.Expression();
        parser.End();
        return expression;
    }

    /// <summary>A string, integer, boolean or null.</summary>
    public sealed record Literal(object? Value) : ArmExpression;

    /// <summary>A function call.</summary>
    public sealed record Call(string Function, IReadOnlyList<ArmExpression> Arguments) : ArmExpression;

    /// <summary>A property access: <c>target.name</c>.</summary>
    public sealed record Member(ArmExpression Target, string Name) : ArmExpression;

    /// <summary>An index: <c>target[key]</c>.</summary>
    public sealed record Index(ArmExpression Target, ArmExpression Key) : ArmExpression;

    sealed class Parser(string text)
    {
        int position;

        public ArmExpression Expression()
        {
            var expression = Primary();
            while (true)
            {
                SkipSpaces();
                if (TryTake('.'))
                {
                    expression = new Member(expression, Identifier());
                }
                else if (TryTake('['))
                {
                    var key = Expression();
                    Take(']');
                    expression = new Index(expression, key);
                }
                else
                {
                    return expression;
                }
            }
        }

        public void End()
        {
            SkipSpaces();
            if (position != text.Length)
            {
                throw Error("end of expression");
            }
        }

        ArmExpression Primary()
        {
            SkipSpaces();
            if (position < text.Length && text[position] == '\'')
            {
                return new Literal(StringLiteral());
            }

            if (position < text.Length && (char.IsAsciiDigit(text[position]) || text[position] == '-'))
            {
                int start = position++;
                while (position < text.Length && char.IsAsciiDigit(text[position]))
                {
                    position++;
                }

                return new Literal(long.Parse(text.AsSpan(start, position - start), CultureInfo.InvariantCulture));
            }

            string name = Identifier();
            switch (name)
            {
                case "true":
                    return new Literal(true);
                case "false":
                    return new Literal(false);
                case "null":
                    return new Literal(null);
            }

            SkipSpaces();
            Take('(');
            var arguments = new List<ArmExpression>();
            SkipSpaces();
            if (!TryTake(')'))
            {
                do
                {
                    arguments.Add(Expression());
                    SkipSpaces();
                }
                while (TryTake(','));
                Take(')');
            }

            return new Call(name, arguments);
        }

        string StringLiteral()
        {
            Take('\'');
            var value = new StringBuilder();
            while (position < text.Length)
            {
                char c = text[position++];
                if (c != '\'')
                {
                    value.Append(c);
                }
                else if (position < text.Length && text[position] == '\'')
                {
                    value.Append('\'');
                    position++;
                }
                else
                {
                    return value.ToString();
                }
            }

            throw Error("closing quote");
        }

        string Identifier()
        {
            SkipSpaces();
            int start = position;
            while (position < text.Length && (char.IsAsciiLetterOrDigit(text[position]) || text[position] == '_'))
            {
                position++;
            }

            return position > start ? text[start..position] : throw Error("a name");
        }

        void SkipSpaces()
        {
            while (position < text.Length && char.IsWhiteSpace(text[position]))
            {
                position++;
            }
        }

        bool TryTake(char c)
        {
            if (position < text.Length && text[position] == c)
            {
                position++;
                return true;
            }

            return false;
        }

        void Take(char c)
        {
            if (!TryTake(c))
            {
                throw Error($"'{c}'");
            }
        }

        FormatException Error(string expected) => new($"Expected {expected} at {position} in [{text}].");
    }
}
