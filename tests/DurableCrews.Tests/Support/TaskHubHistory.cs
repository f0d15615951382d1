using Azure.Data.Tables;

namespace DurableCrews.Tests.Support;

/// <summary>An orchestration's history as the Azure Storage provider keeps it (the task hub's History table).</summary>
/// <param name="Version">The orchestration version its start recorded.</param>
/// <param name="Activities">The activities it scheduled, in order.</param>
public sealed record TaskHubHistory(string? Version, IReadOnlyList<string> Activities)
{
    /// <summary>Reads the history of <paramref name="instanceId"/> in task hub <paramref name="hub"/>.</summary>
    public static async Task<TaskHubHistory> ReadAsync(string connectionString, string hub, string instanceId)
    {
        var table = new TableClient(connectionString, $"{hub}History");
        string? version = null;
        var activities = new List<(long Sequence, string Name)>();
        // The provider keeps an instance under its id with '^' doubled and '/' (a child's, {runId}/t0) written '^0'.
        string partition = instanceId.Replace("^", "^^", StringComparison.Ordinal).Replace("/", "^0", StringComparison.Ordinal);
        await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition))
        {
            switch (row.GetString("EventType"))
            {
                case "ExecutionStarted":
                    version = row.GetString("Version");
                    break;
                case "TaskScheduled":
                    activities.Add((long.Parse(row.RowKey.Split('.')[^1], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture), row.GetString("Name")));
                    break;
            }
        }

        return new TaskHubHistory(version, activities.OrderBy(a => a.Sequence).Select(a => a.Name).ToList());
    }
}
