// Raw PKCS#11 throughput: Pkcs11Interop → SoftHSM2 directly ("raw"), and the same operations through HsmToken ("adapter").
// The two modes run in separate processes because C_Initialize/C_Finalize are process-wide.
//
//   HsmVault.Benchmarks adapter --lib L --label T --pin P --keys keys.json [--seconds 3] [--threads 1,2] [--out results.jsonl]
//   HsmVault.Benchmarks raw     --lib L --label T --pin P --keys keys.json [--seconds 3] [--threads 1,2] [--out results.jsonl]
//
// "adapter" creates the keys (RSA-2048, P-256, AES-256) through HsmToken if keys.json does not exist yet and writes
// their CKA_IDs and RSA-OAEP ciphertexts (made with the public key) there; "raw" finds the same objects by CKA_ID,
// once per thread, on a session it keeps for the whole run.
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using HsmVault.Benchmarks;

var opts = Options.Parse(args);
var results = opts.Mode switch
{
    "adapter" => AdapterBench.Run(opts),
    "raw" => RawBench.Run(opts),
    _ => throw new ArgumentException("mode must be 'raw' or 'adapter'"),
};
using var output = opts.Out is null ? null : new StreamWriter(opts.Out, append: true);
foreach (var r in results)
{
    var line = JsonSerializer.Serialize(r);
    Console.WriteLine(line);
    output?.WriteLine(line);
}

namespace HsmVault.Benchmarks
{
    public sealed record Options(string Mode, string Lib, string Label, string Pin, string Keys, double Seconds, int[] Threads, string? Out, string[] Ops)
    {
        public static readonly string[] AllOps = ["rs256-sign", "rsa-oaep-decrypt", "rsa-oaep256-decrypt", "es256-sign", "a256gcm-encrypt-1k"];
        /// <summary>The HSM part of a secret get (AES-GCM decrypt of a 64-byte value), measured through the adapter only.</summary>
        public static readonly string[] AdapterOnlyOps = ["a256gcm-decrypt-64"];

        public static Options Parse(string[] a)
        {
            if (a.Length == 0) throw new ArgumentException("usage: HsmVault.Benchmarks raw|adapter --lib L --label T --pin P --keys FILE");
            var d = new Dictionary<string, string>();
            for (int i = 1; i + 1 < a.Length; i += 2) d[a[i].TrimStart('-')] = a[i + 1];
            string Get(string k, string? dflt = null) => d.TryGetValue(k, out var v) ? v : dflt ?? throw new ArgumentException($"--{k} is required");
            return new Options(a[0], Get("lib", "/usr/lib/softhsm/libsofthsm2.so"), Get("label"), Get("pin"), Get("keys"),
                double.Parse(Get("seconds", "3"), System.Globalization.CultureInfo.InvariantCulture),
                Get("threads", "1,2").Split(',').Select(int.Parse).ToArray(), d.GetValueOrDefault("out"),
                Get("ops", string.Join(',', a[0] == "adapter" ? [.. AllOps, .. AdapterOnlyOps] : AllOps)).Split(','));
        }
    }

    public sealed record KeyFile(string Rsa, string Ec, string Aes, string CtOaepSha1, string CtOaepSha256);

    /// <param name="cpu_ms_per_op">The process's CPU time (user + system, all threads) during the run over the operations done.</param>
    public sealed record Result(string impl, string op, int threads, double seconds, long ops, double ops_per_s, double p50_ms, double p99_ms, string? note,
        double cpu_ms_per_op);

    /// <summary>Runs one operation on N threads for a fixed time; each thread gets its own state (session, mechanism).</summary>
    public static class Runner
    {
        public static Result Measure(string impl, string op, int threads, double seconds, Func<int, Action> perThread, string? note = null)
        {
            var actions = Enumerable.Range(0, threads).Select(perThread).ToArray();
            // Warm-up (JIT, caches) outside the measured window.
            foreach (var act in actions) for (int i = 0; i < 20; i++) act();
            var lat = new List<long>[threads];
            var start = new Barrier(threads + 1);
            long deadline = 0;
            var ts = Enumerable.Range(0, threads).Select(t => new Thread(() =>
            {
                var mine = lat[t] = new List<long>(1 << 16);
                var act = actions[t];
                start.SignalAndWait();
                while (true)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    if (t0 >= Volatile.Read(ref deadline)) break;
                    act();
                    mine.Add(Stopwatch.GetTimestamp() - t0);
                }
            }) { IsBackground = true }).ToArray();
            foreach (var th in ts) th.Start();
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            long begin = Stopwatch.GetTimestamp();
            Volatile.Write(ref deadline, begin + (long)(seconds * Stopwatch.Frequency));
            start.SignalAndWait();
            foreach (var th in ts) th.Join();
            double elapsed = Stopwatch.GetElapsedTime(begin).TotalSeconds;
            var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds;
            var all = lat.SelectMany(l => l).OrderBy(x => x).ToArray();
            double Pct(double p) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)(p * all.Length))] * 1000.0 / Stopwatch.Frequency;
            return new Result(impl, op, threads, Math.Round(elapsed, 3), all.Length, Math.Round(all.Length / elapsed, 1),
                Math.Round(Pct(0.50), 3), Math.Round(Pct(0.99), 3), note, all.Length == 0 ? 0 : Math.Round(cpuMs / all.Length, 4));
        }

        public static readonly byte[] Digest32 = SHA256.HashData("HsmVault benchmark"u8);
        public static readonly byte[] Plain1K = RandomNumberGenerator.GetBytes(1024);

        /// <summary>A distinct 12-byte IV per call (thread id + counter), like the service's fresh IV per encryption.</summary>
        public static Func<byte[]> IvSource(int thread)
        {
            long n = 0;
            return () =>
            {
                var iv = new byte[12];
                BitConverter.TryWriteBytes(iv.AsSpan(0, 4), thread);
                BitConverter.TryWriteBytes(iv.AsSpan(4), ++n);
                return iv;
            };
        }
    }
}
