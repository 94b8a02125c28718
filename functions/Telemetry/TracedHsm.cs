using System.Diagnostics;
using HsmVault.Hsm;

namespace HsmVault.Telemetry;

/// <summary>
/// The token as the service sees it: every PKCS#11 operation in a span ("hsm.&lt;Operation&gt;") and in the HSM latency
/// histogram, inside the resilience pipelines (each retry attempt is one span). Only the operation's name and the error
/// kind are recorded, never key material, digests, plaintext or the PIN. The adapter itself stays free of telemetry.
/// </summary>
public sealed class TracedHsm(IHsm inner) : IHsm
{
    public HsmCapabilities Capabilities => inner.Capabilities;
    public string TokenId => inner.TokenId;
    public int SessionsInUse => inner.SessionsInUse;
    public bool Available => inner.Available;
    public HsmBackupKeys? BackupKeys => inner.BackupKeys;

    public HsmKeyId GenerateRsa(int bits, HsmKeyUsage usage, string label) => Run(nameof(GenerateRsa), () => inner.GenerateRsa(bits, usage, label));
    public HsmKeyId GenerateEc(HsmCurve curve, HsmKeyUsage usage, string label) => Run(nameof(GenerateEc), () => inner.GenerateEc(curve, usage, label));
    public HsmKeyId GenerateAes(int bits, HsmKeyUsage usage, string label) => Run(nameof(GenerateAes), () => inner.GenerateAes(bits, usage, label));
    public HsmKeyId ImportRsa(RsaPrivateKeyMaterial key, HsmKeyUsage usage, string label) => Run(nameof(ImportRsa), () => inner.ImportRsa(key, usage, label));
    public HsmKeyId ImportEc(EcPrivateKeyMaterial key, HsmKeyUsage usage, string label) => Run(nameof(ImportEc), () => inner.ImportEc(key, usage, label));
    public HsmKeyId ImportAes(byte[] key, HsmKeyUsage usage, string label) => Run(nameof(ImportAes), () => inner.ImportAes(key, usage, label));
    public HsmImportedKey ImportTransfer(HsmTransferImport import) => Run(nameof(ImportTransfer), () => inner.ImportTransfer(import));
    public void DestroyKey(HsmKeyId id) => Run(nameof(DestroyKey), () => { inner.DestroyKey(id); return true; });
    public IReadOnlyList<HsmObjectInfo> ListKeyObjects() => Run(nameof(ListKeyObjects), inner.ListKeyObjects);

    public RsaPublicKey GetRsaPublicKey(HsmKeyId id) => Run(nameof(GetRsaPublicKey), () => inner.GetRsaPublicKey(id));
    public EcPublicKey GetEcPublicKey(HsmKeyId id) => Run(nameof(GetEcPublicKey), () => inner.GetEcPublicKey(id));
    public HsmKeyAttributes GetKeyAttributes(HsmKeyId id) => Run(nameof(GetKeyAttributes), () => inner.GetKeyAttributes(id));

    public byte[] SignRsaPkcs1(HsmKeyId id, HsmHash hash, byte[] digest) => Run(nameof(SignRsaPkcs1), () => inner.SignRsaPkcs1(id, hash, digest));
    public byte[] SignRsaPss(HsmKeyId id, HsmHash hash, byte[] digest) => Run(nameof(SignRsaPss), () => inner.SignRsaPss(id, hash, digest));
    public byte[] SignEcdsa(HsmKeyId id, byte[] digest) => Run(nameof(SignEcdsa), () => inner.SignEcdsa(id, digest));
    public bool VerifyRsaPkcs1(HsmKeyId id, HsmHash hash, byte[] digest, byte[] signature) =>
        Run(nameof(VerifyRsaPkcs1), () => inner.VerifyRsaPkcs1(id, hash, digest, signature));
    public bool VerifyRsaPss(HsmKeyId id, HsmHash hash, byte[] digest, byte[] signature) =>
        Run(nameof(VerifyRsaPss), () => inner.VerifyRsaPss(id, hash, digest, signature));
    public bool VerifyEcdsa(HsmKeyId id, byte[] digest, byte[] signature) => Run(nameof(VerifyEcdsa), () => inner.VerifyEcdsa(id, digest, signature));

    public byte[] EncryptRsa(HsmKeyId id, RsaPadding padding, byte[] plaintext) => Run(nameof(EncryptRsa), () => inner.EncryptRsa(id, padding, plaintext));
    public byte[] DecryptRsa(HsmKeyId id, RsaPadding padding, byte[] ciphertext) => Run(nameof(DecryptRsa), () => inner.DecryptRsa(id, padding, ciphertext));
    public AesGcmCiphertext EncryptAesGcm(HsmKeyId id, byte[] iv, byte[] plaintext, byte[]? aad) =>
        Run(nameof(EncryptAesGcm), () => inner.EncryptAesGcm(id, iv, plaintext, aad));
    public byte[] DecryptAesGcm(HsmKeyId id, byte[] iv, byte[] ciphertext, byte[] tag, byte[]? aad) =>
        Run(nameof(DecryptAesGcm), () => inner.DecryptAesGcm(id, iv, ciphertext, tag, aad));
    public byte[] EncryptAesCbcPad(HsmKeyId id, byte[] iv, byte[] plaintext) => Run(nameof(EncryptAesCbcPad), () => inner.EncryptAesCbcPad(id, iv, plaintext));
    public byte[] DecryptAesCbcPad(HsmKeyId id, byte[] iv, byte[] ciphertext) => Run(nameof(DecryptAesCbcPad), () => inner.DecryptAesCbcPad(id, iv, ciphertext));
    public byte[] WrapAesKw(HsmKeyId id, byte[] keyBytes) => Run(nameof(WrapAesKw), () => inner.WrapAesKw(id, keyBytes));
    public byte[] UnwrapAesKw(HsmKeyId id, byte[] wrapped) => Run(nameof(UnwrapAesKw), () => inner.UnwrapAesKw(id, wrapped));

    public byte[] GenerateRandom(int count) => Run(nameof(GenerateRandom), () => inner.GenerateRandom(count));

    public byte[] WrapForBackup(HsmKeyId id) => Run(nameof(WrapForBackup), () => inner.WrapForBackup(id));
    public HsmKeyId UnwrapRsaFromBackup(byte[] wrapped, RsaPublicKey publicKey, HsmKeyUsage usage, string label) =>
        Run(nameof(UnwrapRsaFromBackup), () => inner.UnwrapRsaFromBackup(wrapped, publicKey, usage, label));
    public HsmKeyId UnwrapEcFromBackup(byte[] wrapped, EcPublicKey publicKey, HsmKeyUsage usage, string label) =>
        Run(nameof(UnwrapEcFromBackup), () => inner.UnwrapEcFromBackup(wrapped, publicKey, usage, label));
    public HsmKeyId UnwrapAesFromBackup(byte[] wrapped, HsmKeyUsage usage, string label) =>
        Run(nameof(UnwrapAesFromBackup), () => inner.UnwrapAesFromBackup(wrapped, usage, label));

    public void Dispose() => inner.Dispose();

    private static readonly Dictionary<string, string> SpanNames = typeof(IHsm).GetMethods().Select(m => m.Name).Distinct()
        .ToDictionary(n => n, n => "hsm." + n, StringComparer.Ordinal);

    private T Run<T>(string operation, Func<T> call)
    {
        using var span = HsmVaultTelemetry.StartSpan(SpanNames[operation]);
        span?.SetTag(HsmVaultTelemetry.HsmTokenTag, inner.TokenId);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = call();
            VaultMetrics.HsmOperation(operation, null, Stopwatch.GetElapsedTime(started));
            return result;
        }
        catch (Exception e)
        {
            // The error kind only: an HsmException's message may name a CKR_* value, which belongs in the log, not here.
            var kind = e is HsmException h ? h.Kind.ToString() : e.GetType().Name;
            VaultMetrics.HsmOperation(operation, kind, Stopwatch.GetElapsedTime(started));
            span.Fail(kind);
            throw;
        }
    }
}
