namespace DurableCrews.InfraTests.Support;

/// <summary>
/// A value that is known only during a deployment (a <c>reference()</c>, a <c>uniqueString()</c>, a parameter with
/// no value), kept as the expression that produces it, so that two uses of the same value still compare equal.
/// </summary>
sealed record ArmSymbol(string Expression)
{
    /// <summary>The form the symbol takes inside strings: <c>⟨expression⟩</c>.</summary>
    public override string ToString() => $"⟨{Expression}⟩";
}
