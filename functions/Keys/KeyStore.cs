using HsmVault.Resilience;
using HsmVault.Storage;

namespace HsmVault.Keys;

/// <summary>Key metadata in Table storage (the keys table, one partition per vault).</summary>
public sealed class KeyStore(Tables tables, ResiliencePipelines resilience)
    : VersionedStore<KeyEntity>(tables.Keys, resilience, "key");
