using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Net.Pkcs11Interop.HighLevelAPI.Factories;

namespace HsmVault.Benchmarks;

/// <summary>
/// Pkcs11Interop straight to SoftHSM2: one session per thread kept for the whole run, objects found once,
/// mechanisms created once per thread (GCM parameters per call, since each call has its own IV).
/// </summary>
public static class RawBench
{
    private static readonly byte[] Sha256DigestInfoPrefix = Convert.FromHexString("3031300d060960864801650304020105000420");

    public static List<Result> Run(Options o)
    {
        // Debian has libdl.so.2 but no libdl.so, which Pkcs11Interop P/Invokes.
        NativeLibrary.SetDllImportResolver(typeof(Pkcs11Exception).Assembly, (name, _, _) =>
            (name is "libdl" or "libdl.so") && NativeLibrary.TryLoad("libdl.so.2", out var h) ? h : IntPtr.Zero);
        var keys = JsonSerializer.Deserialize<KeyFile>(File.ReadAllText(o.Keys))!;
        var f = new Pkcs11InteropFactories();
        using var lib = f.Pkcs11LibraryFactory.LoadPkcs11Library(f, o.Lib, AppType.MultiThreaded);
        var slot = lib.GetSlotList(SlotsType.WithTokenPresent).First(s => s.GetTokenInfo().Label.Trim() == o.Label);
        using var login = slot.OpenSession(SessionType.ReadWrite);
        try { login.Login(CKU.CKU_USER, o.Pin); } catch (Pkcs11Exception e) when (e.RV == CKR.CKR_USER_ALREADY_LOGGED_IN) { }

        var ct1 = Convert.FromBase64String(keys.CtOaepSha1);
        var ct256 = Convert.FromBase64String(keys.CtOaepSha256);
        var digestInfo = Sha256DigestInfoPrefix.Concat(Runner.Digest32).ToArray();
        var sessions = new List<ISession>();
        ISession NewSession() { var s = slot.OpenSession(SessionType.ReadWrite); lock (sessions) sessions.Add(s); return s; }
        IObjectHandle Find(ISession s, string hexId, CKO cls)
        {
            var found = s.FindAllObjects([f.ObjectAttributeFactory.Create(CKA.CKA_ID, Convert.FromHexString(hexId)), f.ObjectAttributeFactory.Create(CKA.CKA_CLASS, cls)]);
            return found.Count == 1 ? found[0] : throw new InvalidOperationException($"{found.Count} objects for {hexId}/{cls}");
        }

        var results = new List<Result>();
        try
        {
            foreach (var threads in o.Threads)
                foreach (var op in o.Ops)
                {
                    string? note = null;
                    Func<int, Action> perThread;
                    switch (op)
                    {
                        case "rs256-sign":
                            perThread = _ =>
                            {
                                var s = NewSession(); var k = Find(s, keys.Rsa, CKO.CKO_PRIVATE_KEY);
                                var m = f.MechanismFactory.Create(CKM.CKM_RSA_PKCS);
                                return () => s.Sign(m, k, digestInfo);
                            };
                            break;
                        case "rsa-oaep-decrypt":
                            perThread = _ =>
                            {
                                var s = NewSession(); var k = Find(s, keys.Rsa, CKO.CKO_PRIVATE_KEY);
                                var p = f.MechanismParamsFactory.CreateCkRsaPkcsOaepParams((ulong)CKM.CKM_SHA_1, (ulong)CKG.CKG_MGF1_SHA1, (ulong)CKZ.CKZ_DATA_SPECIFIED, null);
                                var m = f.MechanismFactory.Create(CKM.CKM_RSA_PKCS_OAEP, p);
                                return () => s.Decrypt(m, k, ct1);
                            };
                            break;
                        case "rsa-oaep256-decrypt":
                            // The token part of the adapter's composed OAEP-SHA256: raw RSA (no padding) in the HSM.
                            note = "raw = CKM_RSA_X_509 only (the HSM part); OAEP decoding not included";
                            perThread = _ =>
                            {
                                var s = NewSession(); var k = Find(s, keys.Rsa, CKO.CKO_PRIVATE_KEY);
                                var m = f.MechanismFactory.Create(CKM.CKM_RSA_X_509);
                                return () => s.Decrypt(m, k, ct256);
                            };
                            break;
                        case "es256-sign":
                            perThread = _ =>
                            {
                                var s = NewSession(); var k = Find(s, keys.Ec, CKO.CKO_PRIVATE_KEY);
                                var m = f.MechanismFactory.Create(CKM.CKM_ECDSA);
                                return () => s.Sign(m, k, Runner.Digest32);
                            };
                            break;
                        case "a256gcm-encrypt-1k":
                            perThread = t =>
                            {
                                var s = NewSession(); var k = Find(s, keys.Aes, CKO.CKO_SECRET_KEY);
                                var iv = Runner.IvSource(t);
                                return () =>
                                {
                                    using var p = f.MechanismParamsFactory.CreateCkGcmParams(iv(), 96, null, 128);
                                    using var m = f.MechanismFactory.Create(CKM.CKM_AES_GCM, p);
                                    s.Encrypt(m, k, Runner.Plain1K);
                                };
                            };
                            break;
                        default: throw new ArgumentException($"unknown op {op}");
                    }
                    var r = Runner.Measure("raw", op, threads, o.Seconds, perThread, note);
                    Console.Error.WriteLine($"raw     {op,-22} threads={threads} {r.ops_per_s,10:F1}/s p50={r.p50_ms:F3}ms p99={r.p99_ms:F3}ms");
                    results.Add(r);
                }
        }
        finally
        {
            foreach (var s in sessions) s.Dispose();
        }
        return results;
    }
}
