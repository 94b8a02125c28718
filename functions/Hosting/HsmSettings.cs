using HsmVault.Hsm;

namespace HsmVault.Hosting;

/// <summary>The rules for "HsmVault:Hsm" (<see cref="HsmOptions"/> belongs to the adapter, which knows no section names).</summary>
public static class HsmSettings
{
    public const string Section = "HsmVault:Hsm";

    public static IEnumerable<string> Problems(HsmOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.LibraryPath))
            yield return $"{Section}:LibraryPath is required: the path of the PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so.";
        if (string.IsNullOrWhiteSpace(o.TokenLabel) && string.IsNullOrWhiteSpace(o.TokenSerial))
            yield return $"{Section}:TokenLabel (or {Section}:TokenSerial) is required: the token the vaults' keys live on.";
        if (string.IsNullOrEmpty(o.UserPin))
            yield return $"{Section}:UserPin is required: the token's user PIN."; // never echo the value
        if (o.MaxIdleSessions is < 1 or > 1024)
            yield return $"{Section}:MaxIdleSessions must be between 1 and 1024; got {o.MaxIdleSessions}.";
        if (o.CallTimeout < TimeSpan.FromMilliseconds(500) || o.CallTimeout > TimeSpan.FromMinutes(5))
            yield return $"{Section}:CallTimeout must be between 00:00:00.5 and 00:05:00 (default 00:00:10); got {o.CallTimeout}.";
    }
}
