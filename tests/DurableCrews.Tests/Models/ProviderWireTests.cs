using System.Text.Json;
using DurableCrews.Agents;
using DurableCrews.Models;
using DurableCrews.Tests.Support;
using Microsoft.Extensions.AI;

namespace DurableCrews.Tests.Models;

/// <summary>
/// Each provider prefix at the wire, against a local stub on 127.0.0.1 that speaks its API: OpenAI chat completions
/// (openai, gemini's compatible route, ollama's /v1 route), Azure OpenAI's deployment routes with a configured
/// api-version, and Anthropic Messages with tool use.
/// </summary>
public sealed class ProviderWireTests
{
    const string AnthropicText = """
        {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5",
         "content":[{"type":"text","text":"The answer."}],
         "stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":31,"output_tokens":7}}
        """;

    const string AnthropicToolUse = """
        {"id":"msg_2","type":"message","role":"assistant","model":"claude-sonnet-4-5",
         "content":[{"type":"tool_use","id":"toolu_1","name":"delegate_work","input":{"task":"t","context":"c","coworker":"Writer"}}],
         "stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":50,"output_tokens":12}}
        """;

    static List<ChatMessage> Prompt() =>
    [
        new(ChatRole.System, "You are Researcher."),
        new(ChatRole.User, "Current Task: list three facts"),
    ];

    static ChatOptions DelegationOptions() => new() { Tools = DelegationTools.For(["Writer"]), ToolMode = ChatToolMode.Auto };

    [Fact]
    public async Task Openai_prefix_sends_the_model_and_bearer_key_and_reads_tool_calls_and_usage()
    {
        await using var stub = await HttpStub.StartAsync(_ => (200, ChatCompletions.ToolCalls(("delegate_work", new { task = "t", context = "c", coworker = "Writer" })), null));
        var model = ModelSettings.Resolve("openai/gpt-4o-mini", ("OPENAI_API_KEY", "sk-test"), ("OPENAI_API_BASE", new Uri(stub.BaseAddress, "v1").ToString()));

        var response = await model.Client.GetResponseAsync(Prompt(), DelegationOptions());

        var request = Assert.Single(stub.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("Bearer sk-test", request.Headers["Authorization"]);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("gpt-4o-mini", body.RootElement.GetProperty("model").GetString());
        Assert.Equal("delegate_work", body.RootElement.GetProperty("tools")[0].GetProperty("function").GetProperty("name").GetString());
        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal(("delegate_work", "Writer"), (call.Name, call.Arguments!["coworker"]?.ToString()));
        Assert.Equal(15, response.Usage!.TotalTokenCount);
        Assert.Equal("openai/gpt-4o-mini", model.Description);
    }

    [Fact]
    public async Task Gemini_prefix_speaks_openai_chat_completions_on_googles_compatible_route()
    {
        await using var stub = await HttpStub.StartAsync(_ => (200, ChatCompletions.Text("Gemini says hi."), null));
        var model = ModelSettings.Resolve("gemini/gemini-2.0-flash", ("GEMINI_API_KEY", "g-key"), ("DurableCrews__Models__gemini__Endpoint", new Uri(stub.BaseAddress, "v1beta/openai/").ToString()));

        var response = await model.Client.GetResponseAsync(Prompt());

        var request = Assert.Single(stub.Requests);
        Assert.Equal("/v1beta/openai/chat/completions", request.Path);
        Assert.Equal("Bearer g-key", request.Headers["Authorization"]);
        Assert.Contains("\"model\":\"gemini-2.0-flash\"", request.Body, StringComparison.Ordinal);
        Assert.Equal(("Gemini says hi.", 10L), (response.Text, response.Usage!.InputTokenCount!.Value));
    }

    [Fact]
    public async Task Ollama_prefix_uses_the_servers_v1_route_from_OLLAMA_API_BASE()
    {
        await using var stub = await HttpStub.StartAsync(_ => (200, ChatCompletions.Text("local"), null));
        var model = ModelSettings.Resolve("ollama/llama3.1:8b", ("OLLAMA_API_BASE", stub.BaseAddress.ToString().TrimEnd('/')));

        var response = await model.Client.GetResponseAsync(Prompt());

        var request = Assert.Single(stub.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Contains("\"model\":\"llama3.1:8b\"", request.Body, StringComparison.Ordinal);
        Assert.Equal(("local", "ollama/llama3.1:8b"), (response.Text, model.Description));
    }

    [Fact]
    public async Task A_named_azure_endpoint_sends_its_deployment_api_version_and_key()
    {
        await using var stub = await HttpStub.StartAsync(_ => (200, ChatCompletions.Text("ok"), null));
        var model = ModelSettings.Resolve(
            "strong",
            ("DurableCrews__Models__strong__Provider", "azure"),
            ("DurableCrews__Models__strong__Endpoint", stub.BaseAddress.ToString()),
            ("DurableCrews__Models__strong__Deployment", "gpt-4o-eu"),
            ("DurableCrews__Models__strong__ApiVersion", "2024-10-21"),
            ("DurableCrews__Models__strong__ApiKey", "az-key"));

        await model.Client.GetResponseAsync(Prompt());

        var request = Assert.Single(stub.Requests);
        Assert.Equal("/openai/deployments/gpt-4o-eu/chat/completions", request.Path);
        Assert.Equal("?api-version=2024-10-21", request.Query);
        Assert.Equal("az-key", request.Headers["api-key"]);
    }

    [Fact]
    public async Task Anthropic_prefix_speaks_messages_with_its_key_version_and_token_limit()
    {
        await using var stub = await HttpStub.StartAsync(_ => (200, AnthropicText, null));
        var model = ModelSettings.Resolve("anthropic/claude-sonnet-4-5", ("ANTHROPIC_API_KEY", "ant-key"), ("DurableCrews__Models__anthropic__Endpoint", stub.BaseAddress.ToString()));

        var response = await model.Client.GetResponseAsync(Prompt());

        var request = Assert.Single(stub.Requests);
        Assert.Equal("/v1/messages", request.Path);
        Assert.Equal("Bearer ant-key", request.Headers["Authorization"]);
        Assert.True(request.Headers.ContainsKey("anthropic-version"));
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("claude-sonnet-4-5", body.RootElement.GetProperty("model").GetString());
        Assert.Equal(ChatClientProvider.DefaultAnthropicMaxTokens, body.RootElement.GetProperty("max_tokens").GetInt32());
        Assert.Contains("You are Researcher.", body.RootElement.GetProperty("system").ToString(), StringComparison.Ordinal);
        Assert.Equal("user", Assert.Single(body.RootElement.GetProperty("messages").EnumerateArray()).GetProperty("role").GetString());
        Assert.Equal("The answer.", response.Text);
        Assert.Equal((31L, 7L), (response.Usage!.InputTokenCount!.Value, response.Usage.OutputTokenCount!.Value));
        Assert.Equal("anthropic/claude-sonnet-4-5", model.Description);
    }

    [Fact]
    public async Task Anthropic_tool_use_offers_the_tools_as_input_schemas_and_reads_the_call()
    {
        await using var stub = await HttpStub.StartAsync(_ => (200, AnthropicToolUse, null));
        var model = ModelSettings.Resolve("anthropic/claude-sonnet-4-5", ("ANTHROPIC_API_KEY", "ant-key"), ("ANTHROPIC_BASE_URL", stub.BaseAddress.ToString()));

        var response = await model.Client.GetResponseAsync(Prompt(), DelegationOptions());

        using var body = JsonDocument.Parse(Assert.Single(stub.Requests).Body);
        var tools = body.RootElement.GetProperty("tools").EnumerateArray().ToList();
        Assert.Equal([DelegationTools.DelegateWork, DelegationTools.AskQuestion], tools.Select(t => t.GetProperty("name").GetString()));
        Assert.Equal("object", tools[0].GetProperty("input_schema").GetProperty("type").GetString());
        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        var (delegation, error) = DelegationTools.Read(call, ["Writer"]);
        Assert.Null(error);
        Assert.Equal(new DelegationCall("toolu_1", DelegationTools.DelegateWork, "Writer", "t", "c"), delegation);
        Assert.Equal(62, response.Usage!.TotalTokenCount);
    }

    public static TheoryData<string, int> ThrottlingCases()
    {
        var cases = new TheoryData<string, int>();
        foreach (string provider in (string[])["openai", "azure", "anthropic", "ollama", "gemini", "openai-compatible"])
        {
            cases.Add(provider, 429);
            cases.Add(provider, 503);
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(ThrottlingCases))]
    public async Task Throttling_and_server_errors_reach_the_durable_retry_once_with_the_wait_asked_for(string provider, int status)
    {
        await using var stub = await HttpStub.StartAsync(_ => (status, """{"error":{"type":"rate_limit_error","message":"slow down"}}""", new Dictionary<string, string> { ["Retry-After"] = "7" }));
        var model = ModelSettings.Resolve(
            $"stub/some-model",
            ("DurableCrews__Models__stub__Provider", provider),
            ("DurableCrews__Models__stub__Endpoint", stub.BaseAddress.ToString()),
            ("DurableCrews__Models__stub__ApiKey", "k"));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => model.Client.GetResponseAsync(Prompt()));

        var throttled = ModelThrottledException.From(error, DateTimeOffset.UtcNow);
        Assert.NotNull(throttled);
        Assert.Equal((status, TimeSpan.FromSeconds(7)), (throttled.Status, throttled.RetryAfter));
        Assert.Single(stub.Requests);
        Assert.DoesNotContain("\"k\"", throttled.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_error_is_not_retried()
    {
        await using var stub = await HttpStub.StartAsync(_ => (400, """{"type":"error","error":{"type":"invalid_request_error","message":"bad"}}""", null));
        var model = ModelSettings.Resolve("anthropic/claude-x", ("ANTHROPIC_API_KEY", "k"), ("ANTHROPIC_BASE_URL", stub.BaseAddress.ToString()));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => model.Client.GetResponseAsync(Prompt()));

        Assert.Null(ModelThrottledException.From(error, DateTimeOffset.UtcNow));
        Assert.Single(stub.Requests);
    }
}
