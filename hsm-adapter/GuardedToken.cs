namespace HsmVault.Hsm;

/// <summary>
/// A token that may be taken away at any time: a customer's own HSM, whose owner cuts a vault off by removing the token or
/// changing its PIN. Every <paramref name="recheck"/> it is closed and opened again with a fresh login (its module finalised
/// when no other token of this process uses it), because a PKCS#11 login, once made, survives a PIN change (SoftHSM checks
/// the PIN only at C_Login, and a module's login state lives until C_Finalize). While the open fails, every call fails
/// Unavailable at once, without touching the module; the next successful open serves again. Calls hold the read side of a
/// lock, the reopen the write side (it waits for calls in flight at most one interval, else it skips the round). Thread-safe.
/// </summary>
public sealed class GuardedToken : IHsm
{
    private readonly HsmOptions _options;
    private readonly TimeSpan _recheck;
    private readonly ReaderWriterLockSlim _swap = new(LockRecursionPolicy.NoRecursion);
    private readonly Timer _timer;
    private readonly object _probeGate = new();
    private volatile HsmToken? _token;
    private HsmToken? _last;
    private volatile string? _failure = "not opened yet";
    private bool _disposed;
    private volatile bool _tried;

    /// <summary>Called with null when the token becomes usable and with the operator's reason (never the PIN) when it stops.</summary>
    public event Action<string?>? StateChanged;

    public GuardedToken(HsmOptions options, TimeSpan recheck)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (recheck <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(recheck));
        _options = options;
        _recheck = recheck;
        TokenId = $"{options.LibraryPath}#{(string.IsNullOrEmpty(options.TokenLabel) ? "serial:" + options.TokenSerial : options.TokenLabel)}";
        _timer = new Timer(_ => Recheck(), null, recheck, recheck);
    }

    public string TokenId { get; }
    /// <summary>Whether the last open succeeded; stays true while a recheck reopens (calls wait for it on the lock).</summary>
    public bool Available => _tried && _failure is null;
    /// <summary>Why the token is unusable now (for operators' logs), or null.</summary>
    public string? Failure => _failure;
    public int SessionsInUse => _token?.SessionsInUse ?? 0;
    public HsmCapabilities Capabilities => Use(t => t.Capabilities);
    public HsmBackupKeys? BackupKeys => Use(t => t.BackupKeys);

    /// <summary>Closes the token and opens it again (the timer does this every interval).</summary>
    public void Recheck()
    {
        if (!Monitor.TryEnter(_probeGate)) return; // a round is running
        try { Reopen(); }
        finally { Monitor.Exit(_probeGate); }
    }

    /// <summary>Opens the token now if it was never tried: the first use waits for that, not for the timer.</summary>
    public void EnsureTried()
    {
        if (_tried) return;
        lock (_probeGate)
            if (!_tried) Reopen();
    }

    private void Reopen()
    {
        if (_disposed || !_swap.TryEnterWriteLock(_recheck)) return;
        string? failure;
        var first = !_tried;
        try
        {
            var old = _token;
            _token = null;
            old?.Dispose();
            failure = null;
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    _token = HsmToken.Open(_options, _last);
                    _last = _token;
                    failure = null;
                    break;
                }
                // Once more at once for anything but a refused PIN (each wrong PIN counts towards the token's lockout).
                catch (HsmException e) when (attempt == 0 && !IsPinRefusal(e))
                {
                    failure = e.Message;
                }
                catch (HsmException e)
                {
                    failure = e.Message;
                    break;
                }
            }
            _tried = true;
        }
        finally
        {
            _swap.ExitWriteLock();
        }
        var before = _failure;
        _failure = failure;
        if (first || before is null != failure is null) StateChanged?.Invoke(failure);
    }

    private static bool IsPinRefusal(HsmException e) =>
        e.InnerException is Net.Pkcs11Interop.Common.Pkcs11Exception
        {
            RV: Net.Pkcs11Interop.Common.CKR.CKR_PIN_INCORRECT or
            Net.Pkcs11Interop.Common.CKR.CKR_PIN_LEN_RANGE or Net.Pkcs11Interop.Common.CKR.CKR_PIN_LOCKED or Net.Pkcs11Interop.Common.CKR.CKR_PIN_EXPIRED
        };

    private T Use<T>(Func<HsmToken, T> call)
    {
        _swap.EnterReadLock();
        try
        {
            var token = _token ?? throw new HsmException(HsmErrorKind.Unavailable, $"HSM token {TokenId} is unavailable: {_failure}")
            {
                ClientMessage = "The vault's HSM cannot be reached or logged in to.",
            };
            return call(token);
        }
        finally
        {
            _swap.ExitReadLock();
        }
    }

    public HsmKeyId GenerateRsa(int bits, HsmKeyUsage usage, string label) => Use(t => t.GenerateRsa(bits, usage, label));
    public HsmKeyId GenerateEc(HsmCurve curve, HsmKeyUsage usage, string label) => Use(t => t.GenerateEc(curve, usage, label));
    public HsmKeyId GenerateAes(int bits, HsmKeyUsage usage, string label) => Use(t => t.GenerateAes(bits, usage, label));
    public HsmKeyId ImportRsa(RsaPrivateKeyMaterial key, HsmKeyUsage usage, string label) => Use(t => t.ImportRsa(key, usage, label));
    public HsmKeyId ImportEc(EcPrivateKeyMaterial key, HsmKeyUsage usage, string label) => Use(t => t.ImportEc(key, usage, label));
    public HsmKeyId ImportAes(byte[] key, HsmKeyUsage usage, string label) => Use(t => t.ImportAes(key, usage, label));
    public HsmImportedKey ImportTransfer(HsmTransferImport import) => Use(t => t.ImportTransfer(import));
    public void DestroyKey(HsmKeyId id) => Use(t => { t.DestroyKey(id); return true; });
    public RsaPublicKey GetRsaPublicKey(HsmKeyId id) => Use(t => t.GetRsaPublicKey(id));
    public EcPublicKey GetEcPublicKey(HsmKeyId id) => Use(t => t.GetEcPublicKey(id));
    public HsmKeyAttributes GetKeyAttributes(HsmKeyId id) => Use(t => t.GetKeyAttributes(id));
    public byte[] SignRsaPkcs1(HsmKeyId id, HsmHash hash, byte[] digest) => Use(t => t.SignRsaPkcs1(id, hash, digest));
    public byte[] SignRsaPss(HsmKeyId id, HsmHash hash, byte[] digest) => Use(t => t.SignRsaPss(id, hash, digest));
    public byte[] SignEcdsa(HsmKeyId id, byte[] digest) => Use(t => t.SignEcdsa(id, digest));
    public bool VerifyRsaPkcs1(HsmKeyId id, HsmHash hash, byte[] digest, byte[] signature) => Use(t => t.VerifyRsaPkcs1(id, hash, digest, signature));
    public bool VerifyRsaPss(HsmKeyId id, HsmHash hash, byte[] digest, byte[] signature) => Use(t => t.VerifyRsaPss(id, hash, digest, signature));
    public bool VerifyEcdsa(HsmKeyId id, byte[] digest, byte[] signature) => Use(t => t.VerifyEcdsa(id, digest, signature));
    public byte[] EncryptRsa(HsmKeyId id, RsaPadding padding, byte[] plaintext) => Use(t => t.EncryptRsa(id, padding, plaintext));
    public byte[] DecryptRsa(HsmKeyId id, RsaPadding padding, byte[] ciphertext) => Use(t => t.DecryptRsa(id, padding, ciphertext));
    public AesGcmCiphertext EncryptAesGcm(HsmKeyId id, byte[] iv, byte[] plaintext, byte[]? aad) => Use(t => t.EncryptAesGcm(id, iv, plaintext, aad));
    public byte[] DecryptAesGcm(HsmKeyId id, byte[] iv, byte[] ciphertext, byte[] tag, byte[]? aad) => Use(t => t.DecryptAesGcm(id, iv, ciphertext, tag, aad));
    public byte[] EncryptAesCbcPad(HsmKeyId id, byte[] iv, byte[] plaintext) => Use(t => t.EncryptAesCbcPad(id, iv, plaintext));
    public byte[] DecryptAesCbcPad(HsmKeyId id, byte[] iv, byte[] ciphertext) => Use(t => t.DecryptAesCbcPad(id, iv, ciphertext));
    public byte[] WrapAesKw(HsmKeyId id, byte[] keyBytes) => Use(t => t.WrapAesKw(id, keyBytes));
    public byte[] UnwrapAesKw(HsmKeyId id, byte[] wrapped) => Use(t => t.UnwrapAesKw(id, wrapped));
    public byte[] GenerateRandom(int count) => Use(t => t.GenerateRandom(count));
    public byte[] WrapForBackup(HsmKeyId id) => Use(t => t.WrapForBackup(id));
    public HsmKeyId UnwrapRsaFromBackup(byte[] wrapped, RsaPublicKey publicKey, HsmKeyUsage usage, string label) =>
        Use(t => t.UnwrapRsaFromBackup(wrapped, publicKey, usage, label));
    public HsmKeyId UnwrapEcFromBackup(byte[] wrapped, EcPublicKey publicKey, HsmKeyUsage usage, string label) =>
        Use(t => t.UnwrapEcFromBackup(wrapped, publicKey, usage, label));
    public HsmKeyId UnwrapAesFromBackup(byte[] wrapped, HsmKeyUsage usage, string label) => Use(t => t.UnwrapAesFromBackup(wrapped, usage, label));
    public IReadOnlyList<HsmObjectInfo> ListKeyObjects() => Use(t => t.ListKeyObjects());

    /// <summary>Every object this login can see (tests).</summary>
    internal int CountObjects() => Use(t => t.CountObjects());

    public void Dispose()
    {
        _timer.Dispose();
        lock (_probeGate)
        {
            _disposed = true;
            _swap.EnterWriteLock();
            try
            {
                _token?.Dispose();
                _token = null;
            }
            finally
            {
                _swap.ExitWriteLock();
            }
        }
    }
}
