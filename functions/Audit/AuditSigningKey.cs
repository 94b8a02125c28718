using System.Security.Cryptography;
using Azure;
using HsmVault.Hsm;
using HsmVault.Resilience;
using HsmVault.Storage;
using Microsoft.Extensions.Logging;

namespace HsmVault.Audit;

/// <summary>
/// The deployment's audit key: an EC P-256 key pair generated in the HSM on first start (private half non-extractable),
/// referenced by one row of the vault-keys table. It signs chain heads; its public half verifies them offline.
/// Race-safe across instances like the secret-encryption keys: the row is inserted with AddEntity and a loser destroys its key.
/// </summary>
public sealed class AuditSigningKey(IHsm hsm, Tables tables, ResiliencePipelines resilience, TimeProvider clock, ILogger<AuditSigningKey> logger)
{
    public const string Partition = "(deployment)";
    public const string Purpose = "audit-signing";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private HsmKeyId? _id;

    public async Task<HsmKeyId> GetAsync(CancellationToken ct)
    {
        if (_id is { } known) return known;
        await _gate.WaitAsync(ct);
        try
        {
            _id ??= await FindAsync(ct) ?? await CreateAsync();
            return _id.Value;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Signs a chain head's digest inside the HSM; r||s, 64 bytes.</summary>
    public async Task<byte[]> SignAsync(byte[] digest, CancellationToken ct)
    {
        var id = await GetAsync(ct);
        return resilience.HsmIdempotent.Execute(() => hsm.SignEcdsa(id, digest));
    }

    /// <summary>The public half as SubjectPublicKeyInfo PEM, what <c>audit verify</c> takes.</summary>
    public async Task<string> PublicKeyPemAsync(CancellationToken ct)
    {
        var id = await GetAsync(ct);
        var pub = resilience.HsmIdempotent.Execute(() => hsm.GetEcPublicKey(id));
        using var ec = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = pub.X, Y = pub.Y } });
        return ec.ExportSubjectPublicKeyInfoPem();
    }

    private async Task<HsmKeyId?> FindAsync(CancellationToken ct)
    {
        var row = await resilience.StorageRead.ExecuteAsync(async t =>
            await tables.VaultKeys.GetEntityIfExistsAsync<VaultKeyEntity>(Partition, Purpose, cancellationToken: t), ct);
        return row.HasValue ? new HsmKeyId(row.Value!.HsmKeyId) : null;
    }

    private async Task<HsmKeyId> CreateAsync()
    {
        var fresh = resilience.HsmOnce.Execute(() => hsm.GenerateEc(HsmCurve.P256, HsmKeyUsage.Sign | HsmKeyUsage.Verify, $"{Partition}/{Purpose}"));
        var row = new VaultKeyEntity { PartitionKey = Partition, RowKey = Purpose, HsmKeyId = fresh.Value, Algorithm = "ES256", Created = clock.GetUtcNow() };
        try
        {
            await resilience.StorageWrite.ExecuteAsync(async t => await tables.VaultKeys.AddEntityAsync(row, t), CancellationToken.None);
            logger.LogInformation("Audit signing key {HsmKeyId} created in the HSM", fresh.Value);
            return fresh;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            resilience.HsmOnce.Execute(() => hsm.DestroyKey(fresh));
            return await FindAsync(CancellationToken.None) ?? throw new InvalidOperationException("The audit key row vanished after a conflict.");
        }
    }
}
