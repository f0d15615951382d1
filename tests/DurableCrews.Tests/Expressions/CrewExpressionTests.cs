using System.Text.Json.Nodes;
using DurableCrews.Expressions;

namespace DurableCrews.Tests.Expressions;

public sealed class CrewExpressionTests
{
    static JsonObject Variables() => JsonNode.Parse("""
        {
          "research": { "output": "Found three leads", "json": { "count": 5, "ratio": 0.5, "leads": ["acme", "globex", "initech"], "ok": true, "missing": null } },
          "inputs": { "topic": "AI agents", "limit": 3 },
          "state": { "n": 2, "items": [{ "name": "a", "score": 7 }, { "name": "b", "score": 2 }] }
        }
        """)!.AsObject();

    static JsonNode? Eval(string text) => CrewExpression.Parse(text).Evaluate(Variables());

    static string Json(string text) => Eval(text)?.ToJsonString() ?? "null";

    static ExpressionException ParseError(string text) => Assert.Throws<ExpressionException>(() => CrewExpression.Parse(text));

    static ExpressionException EvalError(string text) => Assert.Throws<ExpressionException>(() => Eval(text));

    [Theory]
    [InlineData("42", "42")]
    [InlineData("-7", "-7")]
    [InlineData("2.5", "2.5")]
    [InlineData("1e3", "1000")]
    [InlineData("'single'", "\"single\"")]
    [InlineData("\"double\"", "\"double\"")]
    [InlineData("'it\\'s\\n'", "\"it\\u0027s\\n\"")]
    [InlineData("true", "true")]
    [InlineData("false", "false")]
    [InlineData("null", "null")]
    [InlineData("[1, 'a', [true]]", "[1,\"a\",[true]]")]
    [InlineData("{'a': 1, \"b\": [2],}", "{\"a\":1,\"b\":[2]}")]
    [InlineData("[]", "[]")]
    public void Literals_evaluate_to_their_JSON_values(string text, string json) => Assert.Equal(json, Json(text));

    [Theory]
    [InlineData("research.json.count", "5")]
    [InlineData("research.json.leads[1]", "\"globex\"")]
    [InlineData("research.json['leads'][0]", "\"acme\"")]
    [InlineData("state.items[0].name", "\"a\"")]
    [InlineData("research.json.missing", "null")]
    [InlineData("inputs[\"topic\"]", "\"AI agents\"")]
    public void Field_paths_and_indexes_read_the_variables(string text, string json) => Assert.Equal(json, Json(text));

    [Theory]
    [InlineData("1 == 1", true)]
    [InlineData("1 == 1.0", true)]
    [InlineData("'a' == 'a'", true)]
    [InlineData("[1, 'x'] == [1, 'x']", true)]
    [InlineData("{'a': [1]} == {'a': [1]}", true)]
    [InlineData("1 == '1'", false)]
    [InlineData("null == null", true)]
    [InlineData("research.json.missing == null", true)]
    [InlineData("1 != 2", true)]
    [InlineData("'a' != 'a'", false)]
    [InlineData("1 < 2", true)]
    [InlineData("2 <= 2", true)]
    [InlineData("3 > 2.5", true)]
    [InlineData("2 >= 3", false)]
    [InlineData("'abc' < 'abd'", true)]
    [InlineData("false < true", true)]
    [InlineData("true && false", false)]
    [InlineData("true || false", true)]
    [InlineData("!true", false)]
    [InlineData("!!true", true)]
    [InlineData("'acme' in research.json.leads", true)]
    [InlineData("'hooli' in research.json.leads", false)]
    [InlineData("'count' in research.json", true)]
    [InlineData("has(research.json.count)", true)]
    [InlineData("has(research.json.nothing)", false)]
    [InlineData("has(research.json.missing.deeper)", false)]
    [InlineData("research.output.contains('three')", true)]
    [InlineData("research.output.startsWith('Found')", true)]
    [InlineData("research.output.endsWith('leads')", true)]
    [InlineData("research.output.endsWith('Found')", false)]
    [InlineData("research.json.ok", true)]
    [InlineData("research.json.count > inputs.limit", true)]
    [InlineData("state.items.exists(i, i.score > 5)", true)]
    [InlineData("state.items.all(i, i.score > 5)", false)]
    [InlineData("state.items.exists_one(i, i.score > 1)", false)]
    public void Relations_logic_and_tests_give_bools(string text, bool expected) => Assert.Equal(expected, CrewExpression.Parse(text).EvaluateCondition(Variables()));

    [Theory]
    [InlineData("7 + 3", "10")]
    [InlineData("7 - 10", "-3")]
    [InlineData("7 * 3", "21")]
    [InlineData("7 / 2", "3")]
    [InlineData("7 % 3", "1")]
    [InlineData("7.0 / 2", "3.5")]
    [InlineData("research.json.ratio * 4", "2")]
    [InlineData("-research.json.count", "-5")]
    [InlineData("'a' + 'b'", "\"ab\"")]
    [InlineData("[1] + [2, 3]", "[1,2,3]")]
    [InlineData("size('héllo')", "5")]
    [InlineData("size(research.json.leads)", "3")]
    [InlineData("research.json.leads.size()", "3")]
    [InlineData("size({'a': 1})", "1")]
    [InlineData("true ? 'yes' : 'no'", "\"yes\"")]
    [InlineData("false ? 'yes' : 'no'", "\"no\"")]
    [InlineData("int('12') + int(2.9)", "14")]
    [InlineData("double(3) / 2", "1.5")]
    [InlineData("string(12) + string(true)", "\"12true\"")]
    [InlineData("state.items.map(i, i.name)", "[\"a\",\"b\"]")]
    [InlineData("state.items.filter(i, i.score > 5).map(i, i.name)", "[\"a\"]")]
    [InlineData("research.json.leads.filter(l, l.startsWith('a') || l.endsWith('x'))", "[\"acme\",\"globex\"]")]
    public void Arithmetic_concatenation_and_functions_compute_values(string text, string json) => Assert.Equal(json, Json(text));

    [Theory]
    [InlineData("1 + 2 * 3", "7")]
    [InlineData("(1 + 2) * 3", "9")]
    [InlineData("10 - 4 - 3", "3")]
    [InlineData("12 / 3 / 2", "2")]
    [InlineData("-2 * 3", "-6")]
    [InlineData("1 + 1 == 2", "true")]
    [InlineData("1 < 2 == true", "true")]
    [InlineData("true || false && false", "true")]
    [InlineData("(true || false) && false", "false")]
    [InlineData("!false && false", "false")]
    [InlineData("1 > 0 ? 2 + 3 : 4", "5")]
    [InlineData("false ? 1 : true ? 2 : 3", "2")]
    [InlineData("2 in [1, 2] && 3 in [3]", "true")]
    public void Operators_bind_with_CELs_precedence(string text, string json) => Assert.Equal(json, Json(text));

    [Fact]
    public void Logical_operators_short_circuit_past_an_error() =>
        Assert.True(CrewExpression.Parse("true || nope.field").EvaluateCondition(Variables()) && !CrewExpression.Parse("false && nope").EvaluateCondition(Variables()));

    [Theory]
    [InlineData("1 +", 3)]
    [InlineData("(1 + 2", 6)]
    [InlineData("research..json", 9)]
    [InlineData("a = 1", 2)]
    [InlineData("'open", 0)]
    [InlineData("1 2", 2)]
    [InlineData("[1, 2", 5)]
    [InlineData("{'a' 1}", 5)]
    [InlineData("x.nope(1)", 2)]
    [InlineData("frobnicate(1)", 0)]
    [InlineData("size(1, 2)", 0)]
    [InlineData("has(a)", 0)]
    [InlineData("a.map(1, 2)", 2)]
    [InlineData("'bad \\q escape'", 5)]
    [InlineData("99999999999999999999", 0)]
    [InlineData("12abc", 2)]
    [InlineData("if", 0)]
    [InlineData("", 0)]
    [InlineData("a ? b", 5)]
    [InlineData("a # b", 2)]
    public void Bad_syntax_is_refused_with_the_position_of_the_fault(string text, int position) => Assert.Equal(position, ParseError(text).Position);

    [Fact]
    public void Text_longer_than_the_bound_is_refused()
    {
        string text = string.Join(" + ", Enumerable.Repeat("1", 1400));
        Assert.Contains("4096", ParseError(text).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("(", ")")]
    [InlineData("[", "]")]
    [InlineData("!", "")]
    [InlineData("size(", ")")]
    public void Deep_nesting_is_refused_without_exhausting_the_stack(string open, string close)
    {
        int levels = (CrewExpression.MaxLength - 4) / (open.Length + close.Length);
        string text = string.Concat(Enumerable.Repeat(open, levels)) + "true" + string.Concat(Enumerable.Repeat(close, levels));
        Assert.Contains("nested", ParseError(text).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_chain_of_operators_is_refused_as_too_deep() =>
        Assert.Contains("nested", ParseError(string.Join(" + ", Enumerable.Repeat("1", 200))).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("nope > 1", 0, "Unknown name 'nope'")]
    [InlineData("research.json.nope", 14, "No field 'nope'")]
    [InlineData("research.json.missing.x", 22, "of null")]
    [InlineData("research.json.leads[3]", 20, "out of range")]
    [InlineData("research.json.leads['a']", 20, "index is an int")]
    [InlineData("1 + 'a'", 2, "'+' does not take a int and a string")]
    [InlineData("'a' < 1", 4, "cannot compare")]
    [InlineData("!1", 1, "needs a bool")]
    [InlineData("1 && true", 0, "needs a bool")]
    [InlineData("1 ? 2 : 3", 0, "needs a bool")]
    [InlineData("1 / 0", 2, "Division by zero")]
    [InlineData("1 % 0", 2, "Modulus by zero")]
    [InlineData("1.0 / 0", 4, "not finite")]
    [InlineData("9223372036854775807 + 1", 20, "overflow")]
    [InlineData("size(1)", 0, "size() takes")]
    [InlineData("research.json.count.contains('a')", 20, "takes strings")]
    [InlineData("1 in 'abc'", 2, "'in' takes a list or a map")]
    [InlineData("{1: 2}", 1, "key is a string")]
    [InlineData("{'a': 1, 'a': 2}", 9, "appears twice")]
    [InlineData("int('x')", 0, "cannot convert")]
    [InlineData("research.json.leads.all(l, l)", 27, "needs a bool")]
    public void Unknown_names_and_type_errors_fail_at_the_offending_part(string text, int position, string message)
    {
        var error = EvalError(text);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(position, error.Position);
    }

    [Fact]
    public void A_condition_that_is_not_a_bool_is_refused() =>
        Assert.Contains("not a bool", Assert.Throws<ExpressionException>(() => CrewExpression.Parse("research.json.count").EvaluateCondition(Variables())).Message, StringComparison.Ordinal);

    [Fact]
    public void Evaluation_stops_past_its_step_budget()
    {
        var variables = new JsonObject { ["big"] = new JsonArray([.. Enumerable.Range(0, 60_000).Select(i => (JsonNode?)JsonValue.Create(i))]) };
        var error = Assert.Throws<ExpressionException>(() => CrewExpression.Parse("big.exists(x, x < 0) || big.exists(y, y < 0)").Evaluate(variables));
        Assert.Contains("evaluation steps", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_string_built_past_its_bound_is_refused()
    {
        var variables = new JsonObject { ["s"] = new string('x', 40_000) };
        var error = Assert.Throws<ExpressionException>(() => CrewExpression.Parse("s + s + s").Evaluate(variables));
        Assert.Contains("longer than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_list_built_past_its_bound_is_refused()
    {
        var variables = new JsonObject { ["l"] = new JsonArray([.. Enumerable.Range(0, 6_000).Select(i => (JsonNode?)JsonValue.Create(i))]) };
        var error = Assert.Throws<ExpressionException>(() => CrewExpression.Parse("l + l").Evaluate(variables));
        Assert.Contains("more than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Roots_lists_each_top_level_name_once_and_not_bound_names() =>
        Assert.Equal(["state", "research", "inputs"], CrewExpression.Parse("state.items.filter(i, i.score > research.json.count).size() > 0 && has(inputs.topic) && state.n > 1").Roots);

    [Fact]
    public void The_result_is_a_copy_the_variables_do_not_share()
    {
        var variables = Variables();
        var leads = CrewExpression.Parse("research.json.leads").Evaluate(variables)!.AsArray();
        leads.Add("changed");
        Assert.Equal(3, variables["research"]!["json"]!["leads"]!.AsArray().Count);
    }

    [Fact]
    public void Numbers_given_as_CLR_values_read_as_ints_or_doubles()
    {
        var variables = new JsonObject { ["i"] = 3, ["l"] = 4L, ["d"] = 2.0, ["m"] = 1.5m, ["s"] = (short)2 };
        Assert.Equal("[3,4,2,1.5,2,true]", CrewExpression.Parse("[i, l, d, m, s, i % s == 1]").Evaluate(variables)!.ToJsonString());
    }

    [Fact]
    public void The_same_expression_gives_the_same_result_every_time()
    {
        var expression = CrewExpression.Parse("state.items.map(i, i.name + string(i.score))");
        Assert.Equal(expression.Evaluate(Variables())!.ToJsonString(), expression.Evaluate(Variables())!.ToJsonString());
    }
}
