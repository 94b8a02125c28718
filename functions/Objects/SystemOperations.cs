namespace HsmVault.Objects;

/// <summary>The live vaults as this instance knows them (for work that no request started: sweeps).</summary>
public interface ILiveVaults
{
    Vault? Find(string name);
}

/// <summary>Audit records of operations the vault does by itself (a due rotation, a near-expiry notice, a scheduled purge).</summary>
public interface ISystemAudit
{
    ValueTask RecordAsync(string vault, string operation, string? objectId, int status, string result, CancellationToken ct);
}

/// <summary>The caller that system operations run as: no principal, recorded as such in audit.</summary>
public static class SystemCaller
{
    public const string ObjectId = "hsmvault-system";
    public static readonly CallerIdentity Identity = new(ObjectId, "", null, [], []);

    public static OperationContext ContextFor(Vault vault, CancellationToken ct) => new(vault, Identity, "7.6", ct);
}
