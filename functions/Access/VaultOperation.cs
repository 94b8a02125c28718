using HsmVault.Access;

namespace HsmVault.Access;

/// <summary>An operation as audit names it and the access policy permission it needs.</summary>
public sealed record VaultOperation(string Name, PermissionScope Scope, string Permission);
