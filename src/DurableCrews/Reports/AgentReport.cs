namespace DurableCrews.Reports;

/// <summary>One agent in a run report: the tasks it did and the delegations it answered.</summary>
public sealed record AgentReport(string Agent, int Tasks, int Delegations, double BusySeconds, long Tokens);
