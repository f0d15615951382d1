using System.Collections.Concurrent;
using System.Reflection;
using DurableTask.Core;
using DurableTask.Core.History;

namespace DurableCrews.Cli.Engine;

/// <summary>
/// Makes what the gRPC sidecar produces storable by <c>AzureStorageOrchestrationService</c>. The sidecar records a
/// sub-orchestration's start with its own subclass of <see cref="SubOrchestrationInstanceCreatedEvent"/>, which the table
/// store writes as a row without an <c>EventType</c>, and it fills event tags with protobuf maps that the store's JSON
/// cannot read back. Both become the plain DurableTask.Core types before they are stored.
/// </summary>
internal static class StorableEvents
{
    static readonly ConcurrentDictionary<Type, PropertyInfo?> TagProperties = new();

    /// <summary>Normalizes a message's event.</summary>
    public static TaskMessage Normalize(TaskMessage message)
    {
        if (message?.Event is { } history)
        {
            message.Event = Normalize(history);
        }

        return message!;
    }

    /// <summary>Normalizes every message of a list, in place.</summary>
    public static IList<TaskMessage> Normalize(IList<TaskMessage> messages)
    {
        if (messages is not null)
        {
            for (int i = 0; i < messages.Count; i++)
            {
                messages[i] = Normalize(messages[i]);
            }
        }

        return messages!;
    }

    /// <summary>Normalizes a runtime state's events, in place.</summary>
    public static OrchestrationRuntimeState Normalize(OrchestrationRuntimeState state)
    {
        if (state is not null)
        {
            Normalize(state.Events);
            Normalize(state.NewEvents);
        }

        return state!;
    }

    static void Normalize(IList<HistoryEvent> events)
    {
        if (events is null || events.IsReadOnly)
        {
            return;
        }

        for (int i = 0; i < events.Count; i++)
        {
            events[i] = Normalize(events[i]);
        }
    }

    static HistoryEvent Normalize(HistoryEvent history)
    {
        if (history is SubOrchestrationInstanceCreatedEvent created && history.GetType() != typeof(SubOrchestrationInstanceCreatedEvent))
        {
            history = new SubOrchestrationInstanceCreatedEvent(created.EventId)
            {
                Timestamp = created.Timestamp,
                IsPlayed = created.IsPlayed,
                Name = created.Name,
                Version = created.Version,
                Input = created.Input,
                InstanceId = created.InstanceId,
            };
        }

        var tags = TagProperties.GetOrAdd(history.GetType(), static type =>
            type.GetProperty("Tags") is { CanWrite: true } property && property.PropertyType == typeof(IDictionary<string, string>) ? property : null);
        if (tags?.GetValue(history) is IDictionary<string, string> map && map.GetType() != typeof(Dictionary<string, string>))
        {
            tags.SetValue(history, new Dictionary<string, string>(map));
        }

        return history;
    }
}
