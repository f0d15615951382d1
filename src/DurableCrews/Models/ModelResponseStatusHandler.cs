using System.Net;

namespace DurableCrews.Models;

/// <summary>
/// Turns a model's 429 or 5xx answer into <see cref="ModelThrottledException"/> (with the wait it asked for) before an SDK
/// reads it, so that every provider's throttling reaches the orchestration's durable retry in the same shape, whatever
/// exception type the SDK would have thrown.
/// </summary>
internal sealed class ModelResponseStatusHandler(TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        int status = (int)response.StatusCode;
        if (status != (int)HttpStatusCode.TooManyRequests && status < 500)
        {
            return response;
        }

        using (response)
        {
            TimeSpan? wait = response.Headers.TryGetValues("retry-after-ms", out var ms)
                ? ModelThrottledException.ParseRetryAfterMilliseconds(ms.FirstOrDefault())
                : null;
            wait ??= response.Headers.TryGetValues("Retry-After", out var after)
                ? ModelThrottledException.ParseRetryAfter(after.FirstOrDefault(), time.GetUtcNow())
                : null;
            throw new ModelThrottledException(status, wait);
        }
    }
}
