namespace DurableCrews.Reports;

/// <summary>One tool's calls in a run: how many, how many failed or came from the cache, time spent and bytes returned.</summary>
/// <param name="Tool">The tool's name, as the model called it.</param>
/// <param name="Calls">Calls made (its agents' and their coworkers').</param>
/// <param name="Failed">Calls that failed or timed out (the model was told).</param>
/// <param name="Cached">Calls answered from the tool cache.</param>
/// <param name="Seconds">Time spent in the calls.</param>
/// <param name="Bytes">Bytes the tool returned, before any cut.</param>
public sealed record ToolReport(string Tool, int Calls, int Failed, int Cached, double Seconds, long Bytes);
