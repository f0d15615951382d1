using System.Globalization;
using System.Text.Json.Nodes;

namespace DurableCrews.Expressions;

/// <summary>
/// A recursive-descent parser for CEL's grammar (conditional, or, and, relations, additions, multiplications, unary,
/// members, primaries), with the nesting bounded so hostile text cannot exhaust the stack.
/// </summary>
internal sealed class ExpressionParser
{
    static readonly HashSet<string> Macros = ["all", "exists", "exists_one", "map", "filter"];

    static readonly HashSet<string> Relations = ["==", "!=", "<", "<=", ">", ">="];

    static readonly HashSet<string> Reserved = ["true", "false", "null", "in", "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop", "package", "namespace", "return", "var", "void", "while"];

    readonly List<ExpressionToken> tokens;
    int next;
    int depth;

    ExpressionParser(List<ExpressionToken> tokens) => this.tokens = tokens;

    ExpressionToken Current => tokens[next];

    public static ExpressionNode Parse(string text)
    {
        var parser = new ExpressionParser(ExpressionLexer.Tokenize(text));
        var root = parser.ParseExpression();
        if (parser.Current.Kind != TokenKind.End)
        {
            throw new ExpressionException($"Unexpected '{parser.Current.Text}' after the end of the expression.", parser.Current.Position);
        }

        ExpressionTree.CheckDepth(root);
        return root;
    }

    ExpressionNode ParseExpression()
    {
        if (++depth > CrewExpression.MaxDepth)
        {
            throw new ExpressionException($"The expression is nested more than {CrewExpression.MaxDepth} levels deep.", Current.Position);
        }

        var condition = ParseOr();
        if (Current.Is("?"))
        {
            Advance();
            var then = ParseOr();
            Expect(":");
            var otherwise = ParseExpression();
            condition = new ConditionalNode(condition.Position, condition, then, otherwise);
        }

        depth--;
        return condition;
    }

    ExpressionNode ParseOr() => ParseLeftAssociative(ParseAnd, "||");

    ExpressionNode ParseAnd() => ParseLeftAssociative(ParseRelation, "&&");

    ExpressionNode ParseRelation()
    {
        var left = ParseAddition();
        while (Relations.Contains(Current.Text) && Current.Kind == TokenKind.Operator || (Current.Kind == TokenKind.Identifier && Current.Text == "in"))
        {
            var op = Advance();
            left = new BinaryNode(op.Position, op.Text, left, ParseAddition());
        }

        return left;
    }

    ExpressionNode ParseAddition() => ParseLeftAssociative(ParseMultiplication, "+", "-");

    ExpressionNode ParseMultiplication() => ParseLeftAssociative(ParseUnary, "*", "/", "%");

    ExpressionNode ParseLeftAssociative(Func<ExpressionNode> operand, params string[] operators)
    {
        var left = operand();
        while (Current.Kind == TokenKind.Operator && operators.Contains(Current.Text))
        {
            var op = Advance();
            left = new BinaryNode(op.Position, op.Text, left, operand());
        }

        return left;
    }

    ExpressionNode ParseUnary()
    {
        if (Current.Is("!") || Current.Is("-"))
        {
            var op = Advance();

            // A negative literal is a literal, so -9223372036854775808 is in range as in CEL.
            if (op.Text == "-" && Current.Kind is TokenKind.Int or TokenKind.Double && !IsMemberAfterLiteral())
            {
                return ParseNumber(Advance(), negative: true, op.Position);
            }

            if (++depth > CrewExpression.MaxDepth)
            {
                throw new ExpressionException($"The expression is nested more than {CrewExpression.MaxDepth} levels deep.", op.Position);
            }

            var operand = ParseUnary();
            depth--;
            return new UnaryNode(op.Position, op.Text, operand);
        }

        return ParseMember();
    }

    bool IsMemberAfterLiteral() => tokens[next + 1].Is(".") || tokens[next + 1].Is("[");

    ExpressionNode ParseMember()
    {
        var target = ParsePrimary();
        while (true)
        {
            if (Current.Is("."))
            {
                Advance();
                var name = ExpectIdentifier("a field or method name after '.'");
                if (Current.Is("("))
                {
                    target = ParseMethod(target, name);
                }
                else
                {
                    target = new FieldNode(name.Position, target, name.Text);
                }
            }
            else if (Current.Is("["))
            {
                var open = Advance();
                var index = ParseExpression();
                Expect("]");
                target = new IndexNode(open.Position, target, index);
            }
            else
            {
                return target;
            }
        }
    }

    ExpressionNode ParseMethod(ExpressionNode target, ExpressionToken name)
    {
        var arguments = ParseArguments();
        if (Macros.Contains(name.Text))
        {
            if (arguments.Count != 2 || arguments[0] is not NameNode variable)
            {
                throw new ExpressionException($"{name.Text}() takes a name and an expression, as in list.{name.Text}(x, x > 0).", name.Position);
            }

            return new ComprehensionNode(name.Position, name.Text, target, variable.Name, arguments[1]);
        }

        ExpressionFunctions.CheckCall(name, arguments.Count, method: true);
        return new CallNode(name.Position, name.Text, target, arguments);
    }

    ExpressionNode ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Int or TokenKind.Double:
                Advance();
                return ParseNumber(token, negative: false, token.Position);
            case TokenKind.String:
                Advance();
                return new LiteralNode(token.Position, JsonValue.Create(token.Text));
            case TokenKind.Identifier:
                return ParseName();
            case TokenKind.Operator when token.Text == "(":
            {
                Advance();
                var inner = ParseExpression();
                Expect(")");
                return inner;
            }

            case TokenKind.Operator when token.Text == "[":
            {
                Advance();
                var items = ParseList("]");
                return new ListNode(token.Position, items);
            }

            case TokenKind.Operator when token.Text == "{":
                return ParseMap();
            case TokenKind.End:
                throw new ExpressionException("The expression ends where a value was expected.", token.Position);
            default:
                throw new ExpressionException($"Unexpected '{token.Text}' where a value was expected.", token.Position);
        }
    }

    ExpressionNode ParseName()
    {
        var token = Advance();
        switch (token.Text)
        {
            case "true": return new LiteralNode(token.Position, JsonValue.Create(true));
            case "false": return new LiteralNode(token.Position, JsonValue.Create(false));
            case "null": return new LiteralNode(token.Position, null);
        }

        if (Reserved.Contains(token.Text))
        {
            throw new ExpressionException($"'{token.Text}' is a reserved word.", token.Position);
        }

        if (!Current.Is("("))
        {
            return new NameNode(token.Position, token.Text);
        }

        var arguments = ParseArguments();
        if (token.Text == "has")
        {
            return arguments is [FieldNode field]
                ? new HasNode(token.Position, field.Target, field.Field)
                : throw new ExpressionException("has() takes one field selection, as in has(a.b).", token.Position);
        }

        ExpressionFunctions.CheckCall(token, arguments.Count, method: false);
        return new CallNode(token.Position, token.Text, null, arguments);
    }

    ExpressionNode ParseMap()
    {
        var open = Advance();
        var entries = new List<(ExpressionNode, ExpressionNode)>();
        while (!Current.Is("}"))
        {
            var key = ParseExpression();
            Expect(":");
            entries.Add((key, ParseExpression()));
            if (!Current.Is(","))
            {
                break;
            }

            Advance();
        }

        Expect("}");
        return new MapNode(open.Position, entries);
    }

    List<ExpressionNode> ParseArguments()
    {
        Expect("(");
        return ParseList(")");
    }

    /// <summary>Comma-separated expressions up to <paramref name="close"/> (a trailing comma allowed), which it consumes.</summary>
    List<ExpressionNode> ParseList(string close)
    {
        var items = new List<ExpressionNode>();
        while (!Current.Is(close))
        {
            items.Add(ParseExpression());
            if (!Current.Is(","))
            {
                break;
            }

            Advance();
        }

        Expect(close);
        return items;
    }

    static LiteralNode ParseNumber(ExpressionToken token, bool negative, int position)
    {
        string text = negative ? "-" + token.Text : token.Text;
        if (token.Kind == TokenKind.Int)
        {
            return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value)
                ? new LiteralNode(position, JsonValue.Create(value))
                : throw new ExpressionException($"The integer {text} is out of range.", position);
        }

        double number = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        return double.IsFinite(number)
            ? new LiteralNode(position, JsonValue.Create(number))
            : throw new ExpressionException($"The number {text} is out of range.", position);
    }

    ExpressionToken Advance()
    {
        var token = tokens[next];
        if (next < tokens.Count - 1)
        {
            next++;
        }

        return token;
    }

    void Expect(string op)
    {
        if (!Current.Is(op))
        {
            throw new ExpressionException(
                Current.Kind == TokenKind.End ? $"The expression ends where '{op}' was expected." : $"Expected '{op}' but found '{Current.Text}'.", Current.Position);
        }

        Advance();
    }

    ExpressionToken ExpectIdentifier(string what) =>
        Current.Kind == TokenKind.Identifier ? Advance() : throw new ExpressionException($"Expected {what}.", Current.Position);
}
