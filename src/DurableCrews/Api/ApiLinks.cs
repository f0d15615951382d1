namespace DurableCrews.Api;

/// <summary>The URLs answers carry: under the configured <see cref="ApiOptions.PublicBaseUrl"/>, or relative to the host.</summary>
public sealed class ApiLinks
{
    readonly string prefix;

    /// <summary>Creates the links under <paramref name="publicBaseUrl"/>, or host-relative ones when it is null.</summary>
    public ApiLinks(Uri? publicBaseUrl)
    {
        prefix = publicBaseUrl is null ? "/api" : $"{publicBaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/')}/api";
    }

    /// <summary>The URL of <paramref name="path"/> under <c>/api</c>.</summary>
    public string To(string path) => $"{prefix}/{path}";
}
