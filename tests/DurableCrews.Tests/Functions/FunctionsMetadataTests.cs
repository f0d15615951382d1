using System.Text.Json;
using DurableCrews.Tests.Support;

namespace DurableCrews.Tests.Functions;

/// <summary>
/// The Functions app as the host will see it: the <c>functions.metadata</c> the Worker SDK generates when the
/// project builds (the test project builds it first). Func Core Tools cannot run here, so this is the proof.
/// </summary>
public sealed class FunctionsMetadataTests
{
    static readonly Lazy<JsonElement> Metadata = new(Load);

    static JsonElement Load()
    {
        // The test assembly sits in tests/DurableCrews.Tests/bin/{Configuration}/net10.0/.
        string configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        string path = Path.Combine(RepoPaths.Root, "src", "DurableCrews.Functions", "bin", configuration, "net10.0", "functions.metadata");
        Assert.True(File.Exists(path), $"functions.metadata was not generated at {path}");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.Clone();
    }

    static JsonElement Function(string name) =>
        Metadata.Value.EnumerateArray().SingleOrDefault(f => f.GetProperty("name").GetString() == name) is { ValueKind: JsonValueKind.Object } function
            ? function
            : throw new Xunit.Sdk.XunitException($"functions.metadata has no function '{name}'");

    static JsonElement Binding(string function, string type) =>
        Function(function).GetProperty("bindings").EnumerateArray().SingleOrDefault(b => b.GetProperty("type").GetString() == type) is { ValueKind: JsonValueKind.Object } binding
            ? binding
            : throw new Xunit.Sdk.XunitException($"'{function}' has no {type} binding");

    [Fact]
    public void Crew_orchestrator_has_an_orchestration_trigger()
    {
        Assert.Equal("In", Binding("CrewOrchestrator", "orchestrationTrigger").GetProperty("direction").GetString());
    }

    public static TheoryData<string> Activities => new(EngineTypes(typeof(Microsoft.DurableTask.TaskActivity<,>)));

    public static TheoryData<string> Orchestrators => new(EngineTypes(typeof(Microsoft.DurableTask.TaskOrchestrator<,>)));

    [Theory]
    [MemberData(nameof(Activities))]
    public void Each_activity_the_library_defines_has_an_activity_trigger(string activity)
    {
        Assert.Equal("In", Binding(activity, "activityTrigger").GetProperty("direction").GetString());
    }

    [Theory]
    [MemberData(nameof(Orchestrators))]
    public void Each_orchestrator_the_library_defines_has_an_orchestration_trigger(string orchestrator)
    {
        Assert.Equal("In", Binding(orchestrator, "orchestrationTrigger").GetProperty("direction").GetString());
    }

    [Fact]
    public void Terminating_work_at_a_deadline_gets_a_durable_client()
    {
        Assert.Equal("In", Binding("TerminateWorkActivity", "durableClient").GetProperty("direction").GetString());
    }

    [Fact]
    public void Kickoff_is_an_http_post_on_the_crew_route_with_function_keys_and_a_durable_client()
    {
        var trigger = Binding("KickoffCrew", "httpTrigger");

        Assert.Equal("crews/{crew}/kickoff", trigger.GetProperty("route").GetString());
        Assert.Equal(["post"], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("Function", trigger.GetProperty("authLevel").GetString());
        Assert.Equal("In", Binding("KickoffCrew", "durableClient").GetProperty("direction").GetString());
    }

    [Fact]
    public void Run_status_is_an_http_get_on_the_run_route_with_function_keys()
    {
        var trigger = Binding("GetRun", "httpTrigger");

        Assert.Equal("runs/{runId}", trigger.GetProperty("route").GetString());
        Assert.Equal(["get"], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("Function", trigger.GetProperty("authLevel").GetString());
    }

    public static TheoryData<string, string, string> ApiRoutes
    {
        get
        {
            var data = new TheoryData<string, string, string>();
            foreach (var route in DurableCrews.Api.CrewApi.Routes)
            {
                data.Add(route.Name, route.Method.ToLowerInvariant(), route.Template);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(ApiRoutes))]
    public void Each_API_endpoint_is_an_http_trigger_on_its_route_and_method_with_function_keys(string name, string method, string route)
    {
        var trigger = Binding(name, "httpTrigger");

        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("Function", trigger.GetProperty("authLevel").GetString());
        Assert.Equal("In", Binding(name, "durableClient").GetProperty("direction").GetString());
    }

    [Fact]
    public void Queue_kickoffs_are_a_queue_trigger_on_crew_kickoffs_over_the_host_storage()
    {
        var trigger = Binding("KickoffFromQueue", "queueTrigger");

        Assert.Equal("crew-kickoffs", trigger.GetProperty("queueName").GetString());
        Assert.Equal("AzureWebJobsStorage", trigger.GetProperty("connection").GetString());
        Assert.Equal("In", Binding("KickoffFromQueue", "durableClient").GetProperty("direction").GetString());
    }

    static IEnumerable<string> EngineTypes(Type baseType) =>
        typeof(DurableCrews.Orchestration.Crews.CrewOrchestrator).Assembly.GetExportedTypes()
            .Where(t => !t.IsAbstract && t.BaseType is { IsGenericType: true } b && b.GetGenericTypeDefinition() == baseType)
            .Select(t => t.Name)
            .Order(StringComparer.Ordinal);

    [Fact]
    public void The_host_hands_queue_messages_over_as_sent_and_polls_an_idle_queue_within_seconds()
    {
        // The host decodes base64 by default and poisons plain JSON before the trigger runs; the handler decodes both itself.
        using var host = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "host.json")));
        var queues = host.RootElement.GetProperty("extensions").GetProperty("queues");

        Assert.Equal("none", queues.GetProperty("messageEncoding").GetString());
        Assert.Equal(new DurableCrews.Api.QueueOptions().MaxDequeueCount, queues.GetProperty("maxDequeueCount").GetInt32());
        Assert.True(TimeSpan.Parse(queues.GetProperty("maxPollingInterval").GetString()!, System.Globalization.CultureInfo.InvariantCulture) <= TimeSpan.FromSeconds(5));
    }
}
