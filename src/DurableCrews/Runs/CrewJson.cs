using System.Text.Json;
using System.Text.Json.Serialization;

namespace DurableCrews.Runs;

/// <summary>The JSON shape of everything DurableCrews stores or prints: snake_case names, as CrewAI users know them.</summary>
public static class CrewJson
{
    /// <summary>The serializer options for stored blobs and printed output.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>Serializes a value to UTF-8 JSON.</summary>
    public static BinaryData ToBinary<T>(T value) => BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(value, Options));

    /// <summary>Deserializes UTF-8 JSON written by <see cref="ToBinary{T}"/>.</summary>
    public static T FromBinary<T>(BinaryData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return JsonSerializer.Deserialize<T>(data.ToMemory().Span, Options)
            ?? throw new JsonException($"The stored {typeof(T).Name} is empty.");
    }

    static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            WriteIndented = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,

            // Stored results and API answers are read by people and programs, never embedded in HTML unencoded.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
