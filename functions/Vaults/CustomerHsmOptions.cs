namespace HsmVault.Vaults;

/// <summary>
/// Customers' own HSMs (<c>HsmVault:CustomerHsm</c>): the PKCS#11 modules a vault may be bound to, and how often a bound
/// token is closed and logged in to again (how soon a customer's kill switch takes effect). PINs are below
/// <see cref="PinSection"/>, one setting per pin reference.
/// </summary>
public sealed class CustomerHsmOptions
{
    public const string Section = "HsmVault:CustomerHsm";
    public const string PinSection = "HsmVault:HsmPins";

    /// <summary>Absolute paths of modules vaults may name. Loading a module runs its code: an API caller can never choose another.</summary>
    public List<string> AllowedModules { get; set; } = [];
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    public IEnumerable<string> Problems()
    {
        foreach (var (path, i) in AllowedModules.Select((p, i) => (p, i)))
            if (string.IsNullOrWhiteSpace(path) || !Path.IsPathFullyQualified(path))
                yield return $"{Section}:AllowedModules:{i} must be an absolute path of a PKCS#11 module; got '{path}'.";
        if (RecheckInterval < TimeSpan.FromMilliseconds(100) || RecheckInterval > TimeSpan.FromMinutes(10))
            yield return $"{Section}:RecheckInterval must be between 00:00:00.100 and 00:10:00; got {RecheckInterval}.";
    }
}
