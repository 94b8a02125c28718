using HsmVault.Http;
using HsmVault.Keys;
using HsmVault.Objects;

namespace HsmVault.Fuzz;

/// <summary>
/// A key import body (PUT /keys/{name}) up to the HSM call: what <c>KeyLifecycle.ImportAsync</c> and its BYOK branch
/// check and decode before the token sees anything.
/// </summary>
public static class JwkImportTarget
{
    public static void Run(byte[] input) => FuzzTargets.Refusable(() =>
    {
        var p = JsonBody.Parse<KeyImportParameters>(input);
        var jwk = p.Key ?? throw VaultException.BadParameter("Property 'key' is required.");
        var family = KeyTypes.FamilyOf(jwk.Kty);
        var ops = KeyTypes.ValidateOps(jwk.KeyOps, family);
        KeyTypes.UsageOf(ops);
        if (jwk.KeyHsm is not null)
        {
            if (family == KeyFamily.Ec) KeyTypes.CurveOf(jwk.Crv);
            ByokTarget.Check(KeyTransferBlob.Parse(jwk.KeyHsm));
            return;
        }
        switch (family)
        {
            case KeyFamily.Rsa:
                KeyTypes.ValidateRsaSize(JwkImport.Rsa(jwk).Modulus.Length * 8);
                break;
            case KeyFamily.Ec:
                KeyTypes.NameOf(JwkImport.Ec(jwk).Curve);
                break;
            default:
                KeyTypes.ValidateOctSize(WireBytes.Decode(jwk.K, "key.k").Length * 8);
                break;
        }
    });
}
