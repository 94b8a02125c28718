namespace HsmVault.Storage;

/// <summary>Other writers kept changing the rows this write depends on; the caller should retry (Key Vault's 409 Conflict).</summary>
public sealed class ConcurrentChangeException(string message) : Exception(message);

/// <summary>A list continuation token that Table storage refused (the caller's bad <c>$skiptoken</c>).</summary>
public sealed class InvalidContinuationException() : Exception("The $skiptoken is not valid.");
