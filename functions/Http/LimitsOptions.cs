namespace HsmVault.Http;

public sealed class LimitsOptions
{
    public const string Section = "HsmVault:Limits";
    /// <summary>Largest request body accepted; larger ones get 413 before they are parsed.</summary>
    public int MaxRequestBodyBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// Failed authentications (a token that is invalid, expired or for another tenant; not a request without one) a source
    /// address may have in a burst before its unauthenticated requests are refused (429) without being checked; 0 turns the
    /// limit off.
    /// </summary>
    public int FailedAuthenticationBurst { get; set; } = 100;

    /// <summary>How fast an address earns back its failed-authentication budget, per minute.</summary>
    public int FailedAuthenticationsPerMinute { get; set; } = 120;

    /// <summary>Most source addresses whose budgets are tracked at once.</summary>
    public int FailedAuthenticationAddresses { get; set; } = 100_000;

    public IEnumerable<string> Problems()
    {
        if (MaxRequestBodyBytes is < 4 * 1024 or > 16 * 1024 * 1024)
            yield return $"{Section}:MaxRequestBodyBytes must be between 4096 and 16777216; got {MaxRequestBodyBytes}.";
        if (FailedAuthenticationBurst is < 0 or > 1_000_000)
            yield return $"{Section}:FailedAuthenticationBurst must be between 0 (off) and 1000000; got {FailedAuthenticationBurst}.";
        if (FailedAuthenticationsPerMinute is < 1 or > 1_000_000)
            yield return $"{Section}:FailedAuthenticationsPerMinute must be between 1 and 1000000; got {FailedAuthenticationsPerMinute}.";
        if (FailedAuthenticationAddresses is < 100 or > 10_000_000)
            yield return $"{Section}:FailedAuthenticationAddresses must be between 100 and 10000000; got {FailedAuthenticationAddresses}.";
    }
}
