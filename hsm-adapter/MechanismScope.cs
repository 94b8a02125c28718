using Net.Pkcs11Interop.HighLevelAPI;
using Net.Pkcs11Interop.HighLevelAPI.MechanismParams;

namespace HsmVault.Hsm;

/// <summary>
/// A mechanism and its parameters, disposed together: the mechanism points into the parameters' unmanaged memory
/// (IV, AAD), so the parameters must outlive it and must not wait for the finalizer on the hot path.
/// </summary>
internal sealed class MechanismScope(IMechanism mechanism, IMechanismParams? parameters) : IDisposable
{
    public IMechanism Value { get; } = mechanism;

    public void Dispose()
    {
        Value.Dispose();
        (parameters as IDisposable)?.Dispose();
    }
}
