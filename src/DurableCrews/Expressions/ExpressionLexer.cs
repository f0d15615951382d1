using System.Globalization;
using System.Text;

namespace DurableCrews.Expressions;

/// <summary>Splits an expression's text into tokens (CEL's lexical rules, without bytes, raw and triple-quoted strings).</summary>
internal static class ExpressionLexer
{
    // Longest first, so "<=" is not read as "<" then "=".
    static readonly string[] Operators = ["==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "+", "-", "*", "/", "%", "?", ":", ".", ",", "(", ")", "[", "]", "{", "}"];

    public static List<ExpressionToken> Tokenize(string text)
    {
        var tokens = new List<ExpressionToken>();
        int i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i >= text.Length)
            {
                tokens.Add(new ExpressionToken(TokenKind.End, "", text.Length));
                return tokens;
            }

            char c = text[i];
            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                tokens.Add(ReadNumber(text, ref i));
            }
            else if (c is '"' or '\'')
            {
                tokens.Add(ReadString(text, ref i));
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                int start = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new ExpressionToken(TokenKind.Identifier, text[start..i], start));
            }
            else
            {
                string op = Operators.FirstOrDefault(o => string.CompareOrdinal(text, i, o, 0, o.Length) == 0)
                    ?? throw new ExpressionException($"Unexpected character '{c}'.", i);
                tokens.Add(new ExpressionToken(TokenKind.Operator, op, i));
                i += op.Length;
            }
        }
    }

    static ExpressionToken ReadNumber(string text, ref int i)
    {
        int start = i;
        bool isDouble = false;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        // A dot makes a double only when a digit follows: "a[0].b" and "1.size()" stay an int then a member.
        if (i + 1 < text.Length && text[i] == '.' && char.IsAsciiDigit(text[i + 1]))
        {
            isDouble = true;
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }

        if (i < text.Length && text[i] is 'e' or 'E')
        {
            int exponent = i + 1;
            if (exponent < text.Length && text[exponent] is '+' or '-')
            {
                exponent++;
            }

            if (exponent >= text.Length || !char.IsAsciiDigit(text[exponent]))
            {
                throw new ExpressionException("A number's exponent needs digits.", i);
            }

            isDouble = true;
            i = exponent;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }

        if (i < text.Length && (char.IsAsciiLetter(text[i]) || text[i] == '_'))
        {
            throw new ExpressionException($"Unexpected character '{text[i]}' after a number.", i);
        }

        return new ExpressionToken(isDouble ? TokenKind.Double : TokenKind.Int, text[start..i], start);
    }

    static ExpressionToken ReadString(string text, ref int i)
    {
        int start = i;
        char quote = text[i++];
        var value = new StringBuilder();
        while (true)
        {
            if (i >= text.Length || text[i] is '\n' or '\r')
            {
                throw new ExpressionException("A string is not closed.", start);
            }

            char c = text[i++];
            if (c == quote)
            {
                return new ExpressionToken(TokenKind.String, value.ToString(), start);
            }

            if (c != '\\')
            {
                value.Append(c);
                continue;
            }

            if (i >= text.Length)
            {
                throw new ExpressionException("A string is not closed.", start);
            }

            char escape = text[i++];
            switch (escape)
            {
                case 'n': value.Append('\n'); break;
                case 't': value.Append('\t'); break;
                case 'r': value.Append('\r'); break;
                case '\\' or '\'' or '"' or '`' or '?': value.Append(escape); break;
                case 'u' when i + 4 <= text.Length && int.TryParse(text.AsSpan(i, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code):
                    value.Append((char)code);
                    i += 4;
                    break;
                default:
                    throw new ExpressionException($"Unknown escape '\\{escape}' in a string.", i - 2);
            }
        }
    }
}
