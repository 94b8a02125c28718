using System.Collections.Concurrent;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmVault.Hsm;

/// <summary>
/// Read-write sessions reused across operations, at most <c>maxIdle</c> kept idle and <c>maxOpen</c> rented at once (a
/// caller that cannot get one within <c>wait</c> is refused with Busy). Sessions inherit the login held by the token's
/// long-lived login session, so renting never logs in or out.
/// </summary>
internal sealed class SessionPool(ISlot slot, int maxIdle, int maxOpen = 64, TimeSpan? wait = null) : IDisposable
{
    private readonly SemaphoreSlim _open = new(maxOpen, maxOpen);
    private readonly TimeSpan _wait = wait ?? TimeSpan.FromSeconds(2);
    private readonly ConcurrentBag<ISession> _idle = new();
    private int _idleCount;
    private volatile bool _disposed;

    /// <summary>Sessions rented right now (read-only, for a sessions-in-use gauge).</summary>
    public int InUse => maxOpen - _open.CurrentCount;

    public ISession Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_open.Wait(_wait)) throw new HsmException(HsmErrorKind.Busy, "All HSM sessions are in use");
        try
        {
            if (_idle.TryTake(out var s))
            {
                Interlocked.Decrement(ref _idleCount);
                return s;
            }
            return slot.OpenSession(SessionType.ReadWrite);
        }
        catch
        {
            _open.Release();
            throw;
        }
    }

    /// <summary>Returns a session; <paramref name="healthy"/>=false closes it (state unknown after an error).</summary>
    public void Return(ISession session, bool healthy = true)
    {
        try
        {
            if (healthy && !_disposed && Interlocked.Increment(ref _idleCount) <= maxIdle)
            {
                _idle.Add(session);
                return;
            }
            if (healthy && !_disposed) Interlocked.Decrement(ref _idleCount);
            Close(session);
        }
        finally
        {
            _open.Release();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var s)) Close(s);
    }

    private static void Close(ISession s)
    {
        try { s.Dispose(); }
        catch (Pkcs11Exception) { }
    }
}
