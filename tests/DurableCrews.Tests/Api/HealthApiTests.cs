using System.Net;
using System.Text.Json;
using DurableCrews.Api;
using DurableCrews.Storage;
using DurableCrews.Tests.Support;
using Microsoft.DurableTask.Client;

namespace DurableCrews.Tests.Api;

/// <summary><c>GET /api/health</c>: storage, a probe of the engine on request, and the bad probes refused.</summary>
public sealed class HealthApiTests
{
    [Fact]
    public async Task Health_checks_storage_and_a_probe_runs_its_bare_activities_and_leaves_no_instance_behind()
    {
        await using var server = await ServerHarness.StartAsync(new ScriptedChatClient());

        using var plain = await server.Http.GetAsync("health");
        var plainBody = await ServerHarness.JsonOf(plain);
        using var probed = await server.Http.GetAsync("health?probe=3");
        var probedBody = await ServerHarness.JsonOf(probed);
        var left = new List<string>();
        await foreach (var instance in server.Engine.Engine.Client.GetAllInstancesAsync(new OrchestrationQuery { FetchInputsAndOutputs = false }))
        {
            left.Add(instance.InstanceId);
        }

        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal("Healthy", plainBody.GetProperty("status").GetString());
        Assert.True(plainBody.GetProperty("storage_ms").GetDouble() >= 0);
        Assert.False(plainBody.TryGetProperty("probe", out var none) && none.ValueKind != JsonValueKind.Null);
        Assert.Equal(HttpStatusCode.OK, probed.StatusCode);
        Assert.Equal(3, probedBody.GetProperty("probe").GetProperty("activities").GetInt32());
        Assert.True(probedBody.GetProperty("probe").GetProperty("elapsed_ms").GetDouble() > 0);
        Assert.InRange(probedBody.GetProperty("probe").GetProperty("engine_ms").GetDouble(), 0, probedBody.GetProperty("probe").GetProperty("elapsed_ms").GetDouble());
        Assert.DoesNotContain(left, id => id.StartsWith("health-probe-", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("21")]
    [InlineData("-1")]
    [InlineData("ten")]
    [InlineData("3.5")]
    public async Task A_probe_outside_one_to_twenty_activities_is_refused_with_the_rule(string probe)
    {
        await using var server = await ServerHarness.StartAsync(new ScriptedChatClient());

        using var answer = await server.Http.GetAsync($"health?probe={Uri.EscapeDataString(probe)}");
        string body = await answer.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("from 1 to 20", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Storage_that_does_not_answer_is_unhealthy_with_the_reason()
    {
        await using var harness = await EngineHarness.StartAsync(new ScriptedChatClient());
        var probe = new EngineProbe(harness.Engine.Client, new UnreachableStorage(), TimeProvider.System);

        var health = await probe.CheckAsync(activities: 1);

        Assert.False(health.IsHealthy);
        Assert.Contains("storage did not answer: connection refused", health.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_engine_that_runs_no_work_fails_the_probe_within_its_limit_and_the_probe_is_cleaned_up()
    {
        await using var harness = await EngineHarness.StartAsync(new ScriptedChatClient());
        await harness.Engine.DrainAsync(TimeSpan.FromSeconds(5));
        var probe = new EngineProbe(harness.Engine.Client, harness.Blobs, TimeProvider.System, TimeSpan.FromSeconds(2));

        var health = await probe.CheckAsync(activities: 2);

        Assert.False(health.IsHealthy);
        Assert.Contains("did not run a probe of 2 activities within 2 s", health.Reason, StringComparison.Ordinal);
        Assert.NotNull(health.StorageMs);
    }

    sealed class UnreachableStorage : IBlobStore
    {
        static IOException Refused => new("connection refused");

        public Task<string> PutAsync(string container, string name, BinaryData content, BlobCondition? condition = null, CancellationToken cancellationToken = default) => throw Refused;

        public Task<StoredBlob?> GetAsync(string container, string name, CancellationToken cancellationToken = default) => throw Refused;

        public Task<string?> GetETagAsync(string container, string name, CancellationToken cancellationToken = default) => throw Refused;

        public IAsyncEnumerable<string> ListAsync(string container, string prefix, CancellationToken cancellationToken = default) => throw Refused;

        public Task<bool> DeleteAsync(string container, string name, CancellationToken cancellationToken = default) => throw Refused;
    }
}
