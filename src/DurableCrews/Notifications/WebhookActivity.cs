using System.Net.Http.Headers;
using System.Text.Json;
using DurableCrews.Outbound;
using DurableCrews.Runs;
using DurableCrews.Storage;
using Microsoft.DurableTask;
using Microsoft.Extensions.Options;

namespace DurableCrews.Notifications;

/// <summary>
/// Sends one webhook: a JSON POST describing a step, a task or the run's end, signed when a secret is set.
/// A non-success answer throws so that the orchestration's retry policy tries again with backoff; being an
/// activity, a delivery that succeeded is never sent again on replay.
/// </summary>
public sealed class WebhookActivity : TaskActivity<WebhookRequest, int>
{
    /// <summary>The name of the HTTP client webhooks are sent with.</summary>
    public const string HttpClientName = "DurableCrews.Webhooks";

    /// <summary>The most characters of a task's output a webhook carries.</summary>
    public const int MaxOutputCharacters = 4000;

    readonly IHttpClientFactory http;
    readonly RunStore runs;
    readonly WebhookOptions options;
    readonly TimeProvider time;
    readonly DestinationPolicy policy;

    /// <summary>Creates the activity.</summary>
    public WebhookActivity(IHttpClientFactory http, RunStore runs, IOptions<WebhookOptions> options, TimeProvider time, OutboundPolicies policies)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(policies);
        this.http = http;
        this.runs = runs;
        this.options = options.Value;
        this.time = time;
        policy = policies.Webhooks;
    }

    /// <inheritdoc />
    public override Task<int> RunAsync(TaskActivityContext context, WebhookRequest input) => ExecuteAsync(input);

    /// <summary>Sends the webhook and returns the receiver's HTTP status.</summary>
    /// <exception cref="HttpRequestException">The receiver did not answer with a success status.</exception>
    /// <exception cref="DestinationRefusedException">The destination policy refuses the URL or the addresses it resolves to.</exception>
    public async Task<int> ExecuteAsync(WebhookRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (policy.Check(request.Url) is { } refused)
        {
            throw new DestinationRefusedException($"Webhook {request.Event} to {request.Url.GetLeftPart(UriPartial.Authority)} refused: {refused}.");
        }

        var run = await runs.RequireRunAsync(request.RunId, cancellationToken).ConfigureAwait(false);
        object? task = null;
        object? step = null;
        if (request.Event == WebhookEvent.Step && request.WorkKey is { } key && await runs.GetWorkAsync(request.RunId, key, cancellationToken).ConfigureAwait(false) is { } work)
        {
            var last = Agents.Conversation.Transcribe(Agents.Conversation.Load(work.Messages)).LastOrDefault();
            string text = last?.Text ?? string.Empty;
            step = new
            {
                Work = key,
                work.Kind,
                work.Agent,
                request.Turn,
                Role = last?.Role,
                Text = text.Length > MaxOutputCharacters ? text[..MaxOutputCharacters] : text,
                Truncated = text.Length > MaxOutputCharacters,
                TokenUsage = work.Usage,
            };
        }
        else if (request.TaskIndex is int index && await runs.GetTaskOutputAsync(request.RunId, index, run.Definition.Tasks[index].Name, cancellationToken).ConfigureAwait(false) is { } output)
        {
            task = new
            {
                output.Name,
                output.Index,
                output.Agent,
                Raw = output.Raw.Length > MaxOutputCharacters ? output.Raw[..MaxOutputCharacters] : output.Raw,
                Truncated = output.Raw.Length > MaxOutputCharacters,
                output.StartedAt,
                output.FinishedAt,
                output.TokenUsage,
            };
        }

        byte[] body = JsonSerializer.SerializeToUtf8Bytes(
            new
            {
                Event = request.Event.ToString().ToLowerInvariant(),
                request.DeliveryId,
                request.RunId,
                Crew = run.Definition.Name,
                SentAt = time.GetUtcNow(),
                TaskIndex = request.TaskIndex,
                Task = task,
                Step = step,
                Status = request.RunStatus,
                request.Error,
            },
            CrewJson.Options);

        using var message = new HttpRequestMessage(HttpMethod.Post, request.Url) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        message.Headers.Add(WebhookSignature.DeliveryHeader, request.DeliveryId);
        if (!string.IsNullOrEmpty(options.Secret))
        {
            message.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(options.Secret, body));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.TimeoutSeconds));
        HttpResponseMessage response;
        try
        {
            response = await http.CreateClient(HttpClientName).SendAsync(message, timeout.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.InnerException is DestinationRefusedException refusedAtConnect)
        {
            // The handler refused the resolved address: say so as itself, so that the orchestration does not retry it.
            throw new DestinationRefusedException($"Webhook {request.Event} refused: {refusedAtConnect.Message}", refusedAtConnect);
        }

        using var answered = response;
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"The webhook receiver answered {(int)response.StatusCode} for {request.Event} delivery {request.DeliveryId}.", null, response.StatusCode);
        }

        return (int)response.StatusCode;
    }
}
