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

    private const int LockSh = 1, LockEx = 2, LockNb = 4, LockUn = 8;
    private readonly ReaderWriterLockSlim _local = new(LockRecursionPolicy.NoRecursion);
    private readonly object _readGate = new();
    private readonly SafeFileHandle? _readFd, _writeFd;
    private int _readers;
    private long _outsideWaitSince; // when a call of this process began waiting for the lock file; 0: none waits
    private bool _heldOutside;      // a wait for the lock file timed out and no lock was taken since

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
        _readFd = OpenLockFile(path);
        _writeFd = OpenLockFile(path);
    }

    // open(2) itself, not File.OpenHandle: .NET emulates FileShare on Unix with a non-blocking flock taken as it opens, so an
    // open failed ("used by another process") whenever another instance held the token lock exclusively at that moment
    // (an instance starting while another made a key).
    private static SafeFileHandle OpenLockFile(string path)
    {
        const int ReadWrite = 2, Create = 0x40, CloseOnExec = 0x80000;
        int fd;
        while ((fd = open(path, ReadWrite | Create | CloseOnExec, Convert.ToInt32("600", 8))) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != 4 /* EINTR */) throw new IOException($"Token lock file '{path}' cannot be opened (errno {errno})");
        }
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPStr)] string path, int flags, int mode);

    /// <summary>True when other processes may write the same token (a lock file is in use).</summary>
    public bool CrossProcess => _readFd is not null;

    /// <summary>
    /// The read side, waited for at most <paramref name="timeout"/>: a token that another process keeps locked (a hung
    /// instance, a stuck tool) is Unavailable after that instead of pinning the caller's thread; a turn this process's own
    /// writers keep busy is Busy.
    /// </summary>
    public Held Read(TimeSpan timeout)
    {
        if (_readFd is null) return default;
        FailFastWhileHeldOutside(timeout);
        var deadline = Deadline(timeout);
        if (!_local.TryEnterReadLock(timeout)) throw Waited(HsmErrorKind.Busy, timeout);
        var counted = false;
        try
        {
            if (!Monitor.TryEnter(_readGate, Left(deadline))) throw Waited(HsmErrorKind.Unavailable, timeout);
            try
            {
                if (_readers == 0) Flock(_readFd, LockSh, deadline, timeout);
                _readers++;
                counted = true;
            }
            finally { Monitor.Exit(_readGate); }
        }
        catch
        {
            if (!counted) _local.ExitReadLock();
            throw;
        }
        return new Held(this, write: false);
    }

    public Held Write(TimeSpan timeout)
    {
        FailFastWhileHeldOutside(timeout);
        var deadline = Deadline(timeout);
        if (!_local.TryEnterWriteLock(timeout)) throw Waited(HsmErrorKind.Busy, timeout);
        try { Flock(_writeFd, LockEx, deadline, timeout); }
        catch { _local.ExitWriteLock(); throw; }
        return new Held(this, write: true);
    }

    /// <summary>
    /// No thread pile-up behind a lock another process keeps: while one call of this process waits for the lock file, others
    /// wait with it only briefly (a quarter of the timeout), and once a wait timed out (the holder looks hung) they are
    /// refused at once until a lock is taken again; the waiting call is the probe that notices the token is back.
    /// </summary>
    private void FailFastWhileHeldOutside(TimeSpan timeout)
    {
        if (_readFd is null) return;
        var since = Interlocked.Read(ref _outsideWaitSince);
        if (since == 0) return;
        if (Volatile.Read(ref _heldOutside) || Environment.TickCount64 - since > timeout.TotalMilliseconds / 4)
            throw Waited(HsmErrorKind.Unavailable, timeout);
    }

    private static long Deadline(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : Environment.TickCount64 + (long)timeout.TotalMilliseconds;
    private static TimeSpan Left(long deadline) => deadline == long.MaxValue
        ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(Math.Max(0, deadline - Environment.TickCount64));

    private static HsmException Waited(HsmErrorKind kind, TimeSpan timeout) => new(kind, kind == HsmErrorKind.Busy
        ? $"The token's other operations kept it busy for longer than the HSM call timeout ({timeout.TotalSeconds:0.###} s)"
        : $"The token did not become free within the HSM call timeout ({timeout.TotalSeconds:0.###} s): another process holds its lock");

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
        while (fd is not null && flock((int)fd.DangerousGetHandle(), op) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != 4 /* EINTR */)
                throw new HsmException(HsmErrorKind.Unavailable, $"Token lock file cannot be locked (errno {errno})");
        }
    }

    // Non-blocking attempts until the deadline (a blocking flock cannot be given up on); the pause grows to 10 ms.
    private void Flock(SafeFileHandle? fd, int op, long deadline, TimeSpan timeout)
    {
        if (fd is null) return;
        var waiting = false;
        try
        {
            for (int pause = 1; flock((int)fd.DangerousGetHandle(), op | LockNb) != 0; pause = Math.Min(10, pause * 2))
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == 4 /* EINTR */) continue;
                if (errno != 11 /* EWOULDBLOCK */)
                    throw new HsmException(HsmErrorKind.Unavailable, $"Token lock file cannot be locked (errno {errno})");
                waiting = waiting || Interlocked.CompareExchange(ref _outsideWaitSince, Environment.TickCount64, 0) == 0;
                if (Environment.TickCount64 >= deadline)
                {
                    Volatile.Write(ref _heldOutside, true);
                    throw Waited(HsmErrorKind.Unavailable, timeout);
                }
                Thread.Sleep(pause);
            }
            Volatile.Write(ref _heldOutside, false);
        }
        finally
        {
            if (waiting) Interlocked.Exchange(ref _outsideWaitSince, 0);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int flock(int fd, int operation);

    public readonly struct Held(TokenFileLock owner, bool write) : IDisposable
    {
        public void Dispose() => owner?.Release(write);
    }
}
