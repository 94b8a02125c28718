using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace HsmVault.Hsm;

/// <summary>
/// Keeps processes that share a file-backed token (SoftHSM2) from reading its object files while another process writes
/// them: reads (every operation) hold a shared lock, writes to the token's object store (create, destroy, login) an
/// exclusive one. SoftHSM 2.6.1's file store unlocks an object file before its buffered contents reach the disk and keeps
/// a half-read object (or an object it found empty) in memory for the rest of the process's life, so without this lock one
/// instance can be left seeing another instance's new key without its CKA_SIGN (CKR_KEY_FUNCTION_NOT_PERMITTED) or not at
/// all. Within one process a reader-writer lock gives the same exclusion; <c>flock</c> makes it hold across processes.
/// Without a lock file (one process per token, or an HSM that coordinates its clients itself) only writes take turns:
/// SoftHSM's object store also fails concurrent creates and destroys within one process with CKR_GENERAL_ERROR.
/// One instance per (module, token, lock file) in a process, shared by every <see cref="HsmToken"/> opened on it.
/// </summary>
internal sealed class TokenFileLock
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, TokenFileLock> Shared = new();

    public static TokenFileLock For(string libraryPath, string tokenLabel, string? lockFile) =>
        Shared.GetOrAdd($"{libraryPath}\n{tokenLabel}\n{lockFile}", _ => new TokenFileLock(lockFile));

    private const int LockSh = 1, LockEx = 2, LockUn = 8;
    private readonly ReaderWriterLockSlim _local = new(LockRecursionPolicy.NoRecursion);
    private readonly object _readGate = new();
    private readonly SafeFileHandle? _readFd, _writeFd;
    private int _readers;

    /// <summary>
    /// SoftHSM2 (found through SOFTHSM2_CONF) stores tokens in files that every process using that configuration shares,
    /// so they all lock the same file next to it; null for anything else.
    /// </summary>
    public static string? SoftHsmDefault()
    {
        var conf = Environment.GetEnvironmentVariable("SOFTHSM2_CONF");
        return string.IsNullOrEmpty(conf) || !File.Exists(conf) ? null : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(conf))!, "hsmvault-token.lock");
    }

    private TokenFileLock(string? path)
    {
        if (string.IsNullOrEmpty(path)) return;
        // Two descriptors: flock belongs to the open file description, so readers and the writer need their own.
        _readFd = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        _writeFd = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        // .NET emulates FileShare on Unix with a shared flock on each descriptor it opens; drop those, or the writer's
        // exclusive lock would wait for our own reader descriptor forever.
        Flock(_readFd, LockUn);
        Flock(_writeFd, LockUn);
    }

    /// <summary>True when other processes may write the same token (a lock file is in use).</summary>
    public bool CrossProcess => _readFd is not null;

    public Held Read()
    {
        if (_readFd is null) return default;
        _local.EnterReadLock();
        try
        {
            lock (_readGate) if (_readers++ == 0) Flock(_readFd, LockSh);
        }
        catch
        {
            lock (_readGate) _readers--;
            _local.ExitReadLock();
            throw;
        }
        return new Held(this, write: false);
    }

    public Held Write()
    {
        _local.EnterWriteLock();
        try { Flock(_writeFd, LockEx); }
        catch { _local.ExitWriteLock(); throw; }
        return new Held(this, write: true);
    }

    private void Release(bool write)
    {
        if (write && _writeFd is null) { _local.ExitWriteLock(); return; }
        if (_readFd is null) return;
        if (write)
        {
            Flock(_writeFd, LockUn);
            _local.ExitWriteLock();
            return;
        }
        lock (_readGate) if (--_readers == 0) Flock(_readFd, LockUn);
        _local.ExitReadLock();
    }

    private static void Flock(SafeFileHandle? fd, int op)
    {
        if (fd is null) return;
        while (flock((int)fd.DangerousGetHandle(), op) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != 4 /* EINTR */)
                throw new HsmException(HsmErrorKind.Unavailable, $"Token lock file cannot be locked (errno {errno})");
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int flock(int fd, int operation);

    public readonly struct Held(TokenFileLock owner, bool write) : IDisposable
    {
        public void Dispose() => owner?.Release(write);
    }
}
