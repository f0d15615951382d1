namespace DurableCrews.Expressions;

/// <summary>The CEL type of a JSON value.</summary>
internal enum ValueKind
{
    Null,
    Bool,
    Int,
    Double,
    String,
    List,
    Map,
}
