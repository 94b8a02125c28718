using System.Net;
using HsmVault.Objects;

namespace HsmVault.Fuzz;

/// <summary>
/// One target per parser of untrusted bytes, each fed the raw input. A parser may refuse input only with a
/// <see cref="VaultException"/> of a 4xx status (what the pipeline turns into a Key Vault error); any other exception,
/// or a 5xx, escapes the target and is what AFL (or <see cref="Replay"/>) reports as a crash.
/// </summary>
public static class FuzzTargets
{
    public static readonly IReadOnlyDictionary<string, Action<byte[]>> All = new Dictionary<string, Action<byte[]>>
    {
        ["jwk"] = JwkImportTarget.Run,
        ["byok"] = ByokTarget.Run,
        ["backup"] = BackupTarget.Run,
        ["json"] = JsonBodyTarget.Run,
        ["jwt"] = JwtTarget.Run,
    };

    /// <summary>Runs one parse; a clean 4xx refusal is an expected outcome.</summary>
    public static void Refusable(Action parse)
    {
        try
        {
            parse();
        }
        catch (VaultException e) when ((int)e.Status is >= 400 and < 500 && e.Status != HttpStatusCode.InternalServerError)
        {
        }
    }
}
