using System.Collections.Concurrent;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Net.Pkcs11Interop.HighLevelAPI.Factories;

namespace HsmVault.Hsm;

/// <summary>A PKCS#11 token opened by label or serial, logged in once for its lifetime. Thread-safe.</summary>
public sealed partial class HsmToken : IHsm
{
    private readonly string _libraryPath;
    private readonly ISlot _slot;
    private readonly ISession _loginSession;
    private readonly string _pin;
    private readonly SessionPool _pool;
    private readonly ConcurrentDictionary<(string Id, CKO Class), KeyObject> _handles = new();
    private readonly object _loginGate = new();
    private readonly int _maxQueuedWrites;
    private long _healthyUntil;
    private bool _sawObjects;
    private long _loginRefusedUntil;
    private readonly TokenFileLock _fileLock;
    private readonly TimeSpan _callTimeout;
    private int _disposed;

    internal Pkcs11InteropFactories Factories { get; } = ModuleRegistry.Factories;
    internal KeyTemplates Templates { get; }
    internal bool AesKwViaEncrypt { get; }
    public HsmCapabilities Capabilities { get; }
    public string TokenLabel { get; }
    public int SessionsInUse => _pool.InUse;

    /// <summary>The private/secret or public object of a key and what operations need to know about it.</summary>
    internal sealed record KeyObject(IObjectHandle Handle, CKK Type, int ModulusBytes, HsmCurve? Curve);

    private readonly string _backupKeyLabel;

    private HsmToken(string libraryPath, ISlot slot, ISession loginSession, string pin, string label, HsmOptions options, TokenFileLock fileLock,
        HsmToken? like)
    {
        _fileLock = fileLock;
        _callTimeout = options.CallTimeout;
        _maxQueuedWrites = Math.Max(0, options.MaxQueuedObjectWrites);
        _backupKeyLabel = options.BackupKeyLabel;
        _libraryPath = libraryPath;
        _slot = slot;
        _loginSession = loginSession;
        _pin = pin;
        TokenLabel = label;
        Templates = new KeyTemplates(Factories.ObjectAttributeFactory);
        _pool = new SessionPool(slot, Math.Max(0, options.MaxIdleSessions), Math.Max(2, options.MaxSessions), options.SessionWait);
        // A reopen of the same token (GuardedToken) keeps what the first open found: the probe makes and destroys test keys.
        if (like is not null) (Capabilities, AesKwViaEncrypt) = (like.Capabilities, like.AesKwViaEncrypt);
        else
            using (HeldAttributeFactory.Call())
            using (_fileLock.Read(_callTimeout)) (Capabilities, AesKwViaEncrypt) = CapabilityProbe.Run(slot, _pool, Factories, Templates);
        ProbeImplicitRejection();
    }

    public static HsmToken Open(HsmOptions options) => Open(options, like: null);

    /// <summary>Opens the token; <paramref name="like"/>, an earlier open of the same token, lends its probed capabilities.</summary>
    internal static HsmToken Open(HsmOptions options, HsmToken? like)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.LibraryPath) || !File.Exists(options.LibraryPath))
            throw new HsmException(HsmErrorKind.Unavailable, $"PKCS#11 library not found at '{options.LibraryPath}'");
        if (string.IsNullOrEmpty(options.TokenLabel) && string.IsNullOrEmpty(options.TokenSerial))
            throw new HsmException(HsmErrorKind.Unavailable, "HsmOptions needs TokenLabel or TokenSerial");

        IPkcs11Library lib;
        try { lib = ModuleRegistry.Acquire(options.LibraryPath); }
        catch (Exception e)
        {
            throw new HsmException(HsmErrorKind.Unavailable, $"Cannot load PKCS#11 library '{options.LibraryPath}': {e.GetType().Name}: {Describe(e)}", e);
        }

        ISession? login = null;
        try
        {
            var (slot, label) = FindSlot(lib, options);
            var fileLock = TokenFileLock.For(options.LibraryPath, label, options.TokenLockFile ?? TokenFileLock.SoftHsmDefault());
            login = slot.OpenSession(SessionType.ReadWrite);
            // A login rewrites the token's own object file (its flags), so it is a write.
            using (fileLock.Write(options.CallTimeout)) LogIn(login, options.UserPin, label);
            return new HsmToken(options.LibraryPath, slot, login, options.UserPin, label, options, fileLock, like);
        }
        catch (Exception e)
        {
            try { login?.Dispose(); } catch (Pkcs11Exception) { }
            ModuleRegistry.Release(options.LibraryPath);
            throw e as HsmException ?? RvMapper.Map(e, "open");
        }
    }

    private static string Describe(Exception e) => e is Pkcs11Exception p ? p.RV.ToString() : e.Message;

    internal static (ISlot, string) FindSlot(IPkcs11Library lib, HsmOptions o)
    {
        var seen = new List<string>();
        foreach (var slot in lib.GetSlotList(SlotsType.WithTokenPresent))
        {
            ITokenInfo info;
            // Another token of the module may be mid-write by another module instance (a customer's module copy reads the
            // deployment's token files too): skip it rather than fail the search for this one.
            try { info = slot.GetTokenInfo(); }
            catch (Pkcs11Exception) { continue; }
            if (!info.TokenFlags.TokenInitialized) continue;
            string label = info.Label.Trim(), serial = info.SerialNumber.Trim();
            seen.Add($"'{label}' (serial {serial})");
            bool labelOk = string.IsNullOrEmpty(o.TokenLabel) || label == o.TokenLabel;
            bool serialOk = string.IsNullOrEmpty(o.TokenSerial) || serial == o.TokenSerial;
            if (labelOk && serialOk) return (slot, label);
        }
        var wanted = o.TokenLabel is { Length: > 0 } ? $"label '{o.TokenLabel}'" : $"serial '{o.TokenSerial}'";
        var found = seen.Count == 0 ? "none" : string.Join(", ", seen);
        throw new HsmException(HsmErrorKind.Unavailable, $"No initialized token with {wanted}; tokens found: {found}");
    }

    private static void LogIn(ISession session, string pin, string label)
    {
        try { session.Login(CKU.CKU_USER, pin); }
        catch (Pkcs11Exception e) when (e.RV == CKR.CKR_USER_ALREADY_LOGGED_IN) { }
        catch (Pkcs11Exception e) when (e.RV is CKR.CKR_PIN_INCORRECT or CKR.CKR_PIN_LEN_RANGE)
        {
            throw new HsmException(HsmErrorKind.Unavailable, $"User PIN incorrect for token '{label}'", e);
        }
        catch (Pkcs11Exception e) when (e.RV is CKR.CKR_PIN_LOCKED or CKR.CKR_PIN_EXPIRED or CKR.CKR_USER_PIN_NOT_INITIALIZED)
        {
            throw new HsmException(HsmErrorKind.Unavailable, $"User PIN of token '{label}' cannot be used: {e.RV}", e);
        }
    }

    /// <summary>
    /// The token dropped our login (e.g. it was reset): log in again on the long-lived session. After a refused PIN it is
    /// not tried again for a second (a real HSM locks a PIN after a few wrong tries): calls fail closed meanwhile.
    /// </summary>
    private void Relogin()
    {
        lock (_loginGate)
        {
            if (Environment.TickCount64 < Interlocked.Read(ref _loginRefusedUntil))
                throw new HsmException(HsmErrorKind.Unavailable, $"User PIN of token '{TokenLabel}' was refused less than a second ago");
            try
            {
                using (_fileLock.Write(_callTimeout)) LogIn(_loginSession, _pin, TokenLabel);
            }
            catch (HsmException)
            {
                Interlocked.Exchange(ref _loginRefusedUntil, Environment.TickCount64 + LoginRetryMs);
                throw;
            }
        }
    }

    private const long LoginRetryMs = 1000;

    internal static byte[] IdBytes(HsmKeyId id)
    {
        var s = id.Value;
        if (string.IsNullOrEmpty(s) || s.Length % 2 != 0 || s.Length > 128)
            throw new HsmException(HsmErrorKind.NotFound, "Malformed key id");
        try { return Convert.FromHexString(s); }
        catch (FormatException) { throw new HsmException(HsmErrorKind.NotFound, "Malformed key id"); }
    }

    private static string CacheId(HsmKeyId id) => id.Value.ToLowerInvariant();

    /// <summary>Runs an idempotent operation on a pooled session; retries once after a stale handle or a lost login.</summary>
    internal T WithKey<T>(HsmKeyId id, CKO cls, string op, Func<ISession, KeyObject, T> action, bool decryptLike = false)
    {
        using var held = HeldAttributeFactory.Call();
        var cacheKey = (CacheId(id), cls);
        var loginTried = false;
        for (int attempt = 0; ; attempt++)
        {
            bool relogin = false;
            using (_fileLock.Read(_callTimeout))
            {
                var session = Rent(op);
                bool healthy = true;
                try
                {
                    return action(session, Lookup(session, id, cls, cacheKey));
                }
                catch (Pkcs11Exception e) when (attempt == 0 && e.RV is CKR.CKR_OBJECT_HANDLE_INVALID or CKR.CKR_KEY_HANDLE_INVALID)
                {
                    _handles.TryRemove(cacheKey, out _);
                    continue;
                }
                catch (Pkcs11Exception e) when (!loginTried && e.RV == CKR.CKR_USER_NOT_LOGGED_IN)
                {
                    relogin = loginTried = true; // a login writes the token: not while holding the read lock
                }
                catch (HsmException e) when (!loginTried && e.Kind == HsmErrorKind.NotFound && !LoggedIn())
                {
                    relogin = loginTried = true; // without the login a key's private object is not visible
                }
                catch (Exception e)
                {
                    var mapped = ClassifyFailure(e, RvMapper.Map(e, op, decryptLike), op);
                    if (mapped.Kind == HsmErrorKind.NotFound) _handles.TryRemove(cacheKey, out _);
                    // A token that lost its object store shows no object at all: that is its fault, not a missing key.
                    if (mapped.Kind == HsmErrorKind.NotFound && !TokenHealthy(fresh: true))
                        mapped = new HsmException(HsmErrorKind.Unavailable, $"HSM {op} failed: the token shows none of its objects", e);
                    healthy = e is HsmException || mapped.Kind is HsmErrorKind.InvalidInput or HsmErrorKind.NotFound;
                    throw mapped;
                }
                finally
                {
                    _pool.Return(session, healthy);
                }
            }
            if (relogin) Relogin();
        }
    }

    // At most MaxQueuedObjectWrites object writes wait for their turn per token (counted per process).
    private sealed class WriteGate { public int Queued; }
    private static readonly ConcurrentDictionary<string, WriteGate> TokenWriteGates = new();
    private WriteGate TokenWriteGate => TokenWriteGates.GetOrAdd(TokenId, _ => new WriteGate());

    /// <summary>
    /// Creates or destroys token objects: one at a time per token, and (with a token lock file) never while another
    /// process reads the token. SoftHSM's file object store fails concurrent creates and destroys with CKR_GENERAL_ERROR
    /// (seen in ConcurrencyTests). Key operations (sign, decrypt, …) only take the read side. At most
    /// <see cref="HsmOptions.MaxQueuedObjectWrites"/> wait their turn (an RSA-4096 generation takes seconds); more are
    /// refused at once (Busy) instead of piling up threads. Never called while holding the read side (WithKey, WithSession).
    /// </summary>
    internal T WithTokenWrite<T>(string op, Func<ISession, T> action, bool decryptLike = false)
    {
        var gate = TokenWriteGate;
        try
        {
            if (Interlocked.Increment(ref gate.Queued) > _maxQueuedWrites + 1)
                throw new HsmException(HsmErrorKind.Busy, $"HSM {op} refused: too many key writes are waiting for this token");
            using (_fileLock.Write(_callTimeout))
                return OnSession(op, s =>
                {
                    if (_fileLock.CrossProcess) CatchUp(s);
                    return action(s);
                }, decryptLike);
        }
        finally
        {
            Interlocked.Decrement(ref gate.Queued);
        }
    }

    /// <summary>
    /// Makes SoftHSM re-read the token's object list before this process writes to it. Its file store counts changes in one
    /// generation number; a process that creates or destroys an object bumps it from whatever the file holds, so without
    /// this it would take in another process's change as its own and never list that process's new object (a key made
    /// on one instance answering "not found" on the other). Any object search re-reads the list when the number moved.
    /// </summary>
    private void CatchUp(ISession s) =>
        s.FindAllObjects([Factories.ObjectAttributeFactory.Create(CKA.CKA_CLASS, CKO.CKO_VENDOR_DEFINED)]);

    /// <summary>A stable id of this token: its module and label.</summary>
    public string TokenId => $"{_libraryPath}#{TokenLabel}";

    /// <summary>Runs a non-retried operation that writes no token object (random bytes, searches) on a pooled session.</summary>
    internal T WithSession<T>(string op, Func<ISession, T> action)
    {
        using (_fileLock.Read(_callTimeout)) return OnSession(op, action);
    }

    private T OnSession<T>(string op, Func<ISession, T> action, bool decryptLike = false)
    {
        using var held = HeldAttributeFactory.Call();
        var session = Rent(op);
        bool healthy = true;
        try
        {
            return action(session);
        }
        catch (Exception e)
        {
            var mapped = ClassifyFailure(e, RvMapper.Map(e, op, decryptLike), op);
            healthy = e is HsmException || mapped.Kind is HsmErrorKind.InvalidInput or HsmErrorKind.NotFound;
            throw mapped;
        }
        finally
        {
            _pool.Return(session, healthy);
        }
    }

    /// <summary>
    /// CKR_GENERAL_ERROR and CKR_FUNCTION_FAILED say nothing about whose fault a failure is: a token answers them for a key
    /// it cannot use (say a broken imported key) as well as for its own trouble. Ask the token (a fresh session and
    /// C_GenerateRandom, at most once a second): healthy means the failure belongs to this key or input (InvalidInput,
    /// neither retried nor counted by any breaker); only a failing probe makes it Unavailable.
    /// </summary>
    private HsmException ClassifyFailure(Exception e, HsmException mapped, string op)
    {
        if (e is not Pkcs11Exception { RV: CKR.CKR_GENERAL_ERROR or CKR.CKR_FUNCTION_FAILED } || mapped.Kind != HsmErrorKind.Unavailable) return mapped;
        return TokenHealthy()
            ? new HsmException(HsmErrorKind.InvalidInput, $"The HSM could not {op} with this key", e)
            : mapped;
    }

    /// <summary>
    /// Healthy: a fresh session gets random bytes and, once this token has shown an object to this process, still finds one
    /// (SoftHSM 2.6.1 whose token files went away answers every search with nothing and keeps doing so after they are back).
    /// A key's missing object is rare (its row exists), so that case always asks afresh.
    /// </summary>
    private bool TokenHealthy(bool fresh = false)
    {
        if (!fresh && Environment.TickCount64 < Interlocked.Read(ref _healthyUntil)) return true;
        try
        {
            using var probe = _slot.OpenSession(SessionType.ReadOnly);
            probe.GenerateRandom(16);
            if (Volatile.Read(ref _sawObjects) && !AnyObject(probe)) return false;
            Interlocked.Exchange(ref _healthyUntil, Environment.TickCount64 + 1000);
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }

    private bool LoggedIn()
    {
        try { return _loginSession.GetSessionInfo().State is CKS.CKS_RW_USER_FUNCTIONS or CKS.CKS_RO_USER_FUNCTIONS; }
        catch (Pkcs11Exception) { return false; }
    }

    private static bool AnyObject(ISession s)
    {
        s.FindObjectsInit([]);
        try { return s.FindObjects(1).Count > 0; }
        finally { s.FindObjectsFinal(); }
    }

    private ISession Rent(string op)
    {
        try { return _pool.Rent(); }
        catch (Exception e) { throw RvMapper.Map(e, op); }
    }

    private KeyObject Lookup(ISession s, HsmKeyId id, CKO cls, (string, CKO) cacheKey)
    {
        if (_handles.TryGetValue(cacheKey, out var cached)) return cached;
        var found = s.FindAllObjects(Templates.Find(IdBytes(id), cls));
        if (found.Count == 0)
            throw new HsmException(HsmErrorKind.NotFound, $"Key {id.Value} has no {(cls == CKO.CKO_PUBLIC_KEY ? "public" : cls == CKO.CKO_SECRET_KEY ? "secret" : "private")} object");
        var handle = found[0];
        Volatile.Write(ref _sawObjects, true);
        var type = (CKK)s.GetAttributeValue(handle, [CKA.CKA_KEY_TYPE])[0].GetValueAsUlong();
        var ko = type switch
        {
            CKK.CKK_RSA => new KeyObject(handle, type, ModulusLength(s.GetAttributeValue(handle, [CKA.CKA_MODULUS])[0].GetValueAsByteArray()), null),
            CKK.CKK_EC => new KeyObject(handle, type, 0, EcCurves.FromOidDer(s.GetAttributeValue(handle, [CKA.CKA_EC_PARAMS])[0].GetValueAsByteArray() ?? [])),
            _ => new KeyObject(handle, type, 0, null),
        };
        _handles[cacheKey] = ko;
        return ko;
    }

    private static int ModulusLength(byte[]? n)
    {
        if (n is null) return 0;
        int skip = 0;
        while (skip < n.Length && n[skip] == 0) skip++;
        return n.Length - skip;
    }

    internal void Remember(HsmKeyId id, CKO cls, KeyObject ko)
    {
        _handles[(CacheId(id), cls)] = ko;
        Volatile.Write(ref _sawObjects, true);
    }

    internal void Forget(HsmKeyId id)
    {
        var key = CacheId(id);
        foreach (var cls in new[] { CKO.CKO_PRIVATE_KEY, CKO.CKO_PUBLIC_KEY, CKO.CKO_SECRET_KEY })
            _handles.TryRemove((key, cls), out _);
    }

    /// <summary>Every object this login can see, token and session (for tests that prove nothing was left behind).</summary>
    internal int CountObjects() => WithSession("count objects", s => s.FindAllObjects([]).Count);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        _pool.Dispose();
        // No C_Logout: another HsmToken in this process may share the login; closing our last session ends it.
        try { _loginSession.Dispose(); } catch (Pkcs11Exception) { }
        ModuleRegistry.Release(_libraryPath);
    }
}
