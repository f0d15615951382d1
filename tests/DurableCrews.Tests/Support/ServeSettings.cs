namespace DurableCrews.Tests.Support;

/// <summary>The settings of a <c>serve</c> process on Azurite's task hub <c>hub</c>, its model a stub OpenAI-compatible endpoint.</summary>
public static class ServeSettings
{
    public static Dictionary<string, string> OnAzurite(Azurite azurite, HttpStub model, string hub) => new()
    {
        ["DurableCrews__Storage__ConnectionString"] = azurite.ConnectionString,
        ["DurableCrews__Engine__TaskHub"] = hub,
        ["DurableCrews__Engine__WorkerId"] = $"{hub}-worker",
        ["DurableCrews__Engine__VisibilityTimeoutSeconds"] = "5",
        ["DurableCrews__Model__Provider"] = "openai-compatible",
        ["DurableCrews__Model__Endpoint"] = new Uri(model.BaseAddress, "v1/").ToString(),
        ["DurableCrews__Model__Name"] = "stub",
    };
}
