using System.Text.Json;
using DurableCrews.Agents;
using DurableCrews.Models;
using DurableCrews.Tests.Support;
using Microsoft.Extensions.AI;

namespace DurableCrews.Tests.Models;

/// <summary>The Azure OpenAI and OpenAI-compatible chat calls, checked at the wire against a local stub on 127.0.0.1.</summary>
public sealed class ChatWireTests
{
    const string Reply = """
        {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-4o",
         "choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"The answer."}}],
         "usage":{"prompt_tokens":31,"completion_tokens":7,"total_tokens":38}}
        """;

    const string ToolCallReply = """
        {"id":"chatcmpl-2","object":"chat.completion","created":1700000000,"model":"gpt-4o",
         "choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,
           "tool_calls":[{"id":"call_a","type":"function","function":{"name":"delegate_work","arguments":"{\"task\":\"t\",\"context\":\"c\",\"coworker\":\"Writer\"}"}}]}}],
         "usage":{"prompt_tokens":50,"completion_tokens":12,"total_tokens":62}}
        """;

    static ResolvedModel Resolve(ModelOptions options, string? llm = null)
    {
        Assert.True(ModelReference.TryParse(llm, out var reference, out string? error), error);
        return ChatClientProvider.Of(options, TimeProvider.System).Resolve(reference);
    }

    static List<ChatMessage> Prompt() =>
    [
        new(ChatRole.System, "You are Researcher. Curious.\nYour personal goal is: find facts"),
        new(ChatRole.User, "Current Task: list three facts"),
    ];

    [Fact]
    public async Task Azure_chat_call_names_the_deployment_version_and_key_and_reads_the_usage()
    {
        await using var stub = await HttpStub.StartAsync(_ => (200, Reply, null));
        var model = Resolve(new ModelOptions { Provider = ModelProviders.AzureOpenAI, Endpoint = stub.BaseAddress, Name = "gpt-4o-prod", ApiKey = "chat-key" });

        var response = await model.Client.GetResponseAsync(Prompt());

        var request = Assert.Single(stub.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/openai/deployments/gpt-4o-prod/chat/completions", request.Path);
        Assert.Matches(@"api-version=\d{4}-\d{2}-\d{2}", request.Query);
        Assert.Equal("chat-key", request.Headers["api-key"]);
        using var body = JsonDocument.Parse(request.Body);
        var messages = body.RootElement.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["system", "user"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("Current Task: list three facts", messages[1].GetProperty("content").GetString());
        Assert.Equal("The answer.", response.Text);
        Assert.Equal(31, response.Usage!.InputTokenCount);
        Assert.Equal(7, response.Usage.OutputTokenCount);
        Assert.Equal(38, response.Usage.TotalTokenCount);
        Assert.Equal("azure-openai/gpt-4o-prod", model.Description);
    }

    [Fact]
    public async Task Azure_chat_call_offers_the_delegation_tools_and_reads_the_tool_calls()
    {
        await using var stub = await HttpStub.StartAsync(_ => (200, ToolCallReply, null));
        var model = Resolve(new ModelOptions { Provider = ModelProviders.AzureOpenAI, Endpoint = stub.BaseAddress, Name = "gpt-4o", ApiKey = "k" });

        var response = await model.Client.GetResponseAsync(Prompt(), new ChatOptions { Tools = DelegationTools.For(["Writer"]), ToolMode = ChatToolMode.RequireAny });

        using var body = JsonDocument.Parse(Assert.Single(stub.Requests).Body);
        var tools = body.RootElement.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal([DelegationTools.DelegateWork, DelegationTools.AskQuestion], tools);
        Assert.Equal("required", body.RootElement.GetProperty("tool_choice").GetString());
        var call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        var (delegation, error) = DelegationTools.Read(call, ["Writer"]);
        Assert.Null(error);
        Assert.Equal(new DelegationCall("call_a", DelegationTools.DelegateWork, "Writer", "t", "c"), delegation);
    }

    [Fact]
    public async Task Compatible_endpoint_gets_the_model_in_the_body_and_an_optional_bearer_key()
    {
        await using var stub = await HttpStub.StartAsync(_ => (200, Reply, null));
        var model = Resolve(new ModelOptions { Provider = ModelProviders.OpenAICompatible, Endpoint = new Uri(stub.BaseAddress, "v1/"), Name = "llama3", ApiKey = "local-key" });

        var response = await model.Client.GetResponseAsync(Prompt());

        var request = Assert.Single(stub.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("Bearer local-key", request.Headers["Authorization"]);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal("llama3", body.RootElement.GetProperty("model").GetString());
        Assert.Equal(38, response.Usage!.TotalTokenCount);
    }

    [Fact]
    public async Task An_agents_llm_picks_its_model_over_the_configured_default()
    {
        await using var stub = await HttpStub.StartAsync(_ => (200, Reply, null));
        var options = new ModelOptions { Provider = ModelProviders.AzureOpenAI, Endpoint = stub.BaseAddress, Name = "gpt-4o-default", ApiKey = "k" };

        await Resolve(options, "azure/gpt-4o-mini").Client.GetResponseAsync(Prompt());
        await Resolve(options).Client.GetResponseAsync(Prompt());

        Assert.Equal(["/openai/deployments/gpt-4o-mini/chat/completions", "/openai/deployments/gpt-4o-default/chat/completions"], stub.Requests.Select(r => r.Path));
    }

    [Fact]
    public void With_nothing_configured_the_model_is_offline_and_says_so()
    {
        var model = Resolve(new ModelOptions());
        var standIn = Resolve(new ModelOptions(), "gpt-4");

        Assert.IsType<OfflineChatClient>(model.Client);
        Assert.Equal("offline", model.Description);
        Assert.Equal("offline (stand-in for gpt-4)", standIn.Description);
    }

    [Fact]
    public void Azure_without_an_endpoint_is_a_configuration_error_that_names_the_setting_and_no_secret()
    {
        var error = Assert.Throws<ModelConfigurationException>(() => Resolve(new ModelOptions { Provider = ModelProviders.AzureOpenAI, Name = "gpt-4o", ApiKey = "super-secret" }));

        Assert.Contains("Endpoint", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("super-secret", error.Message, StringComparison.Ordinal);
    }
}
