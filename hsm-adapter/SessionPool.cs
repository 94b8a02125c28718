using System.Collections.Concurrent;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace HsmVault.Hsm;

/// <summary>
/// Read-write sessions reused across operations, at most <c>maxIdle</c> kept idle. Sessions inherit the login
/// held by the token's long-lived login session, so renting never logs in or out.
/// </summary>
internal sealed class SessionPool(ISlot slot, int maxIdle) : IDisposable
{
    private readonly ConcurrentBag<ISession> _idle = new();
    private int _idleCount;
    private volatile bool _disposed;

    public ISession Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_idle.TryTake(out var s))
        {
            Interlocked.Decrement(ref _idleCount);
            return s;
        }
        return slot.OpenSession(SessionType.ReadWrite);
    }

    /// <summary>Returns a session; <paramref name="healthy"/>=false closes it (state unknown after an error).</summary>
    public void Return(ISession session, bool healthy = true)
    {
        if (healthy && !_disposed && Interlocked.Increment(ref _idleCount) <= maxIdle)
        {
            _idle.Add(session);
            return;
        }
        if (healthy && !_disposed) Interlocked.Decrement(ref _idleCount);
        Close(session);
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
