namespace HsmVault.Http;

public sealed class LimitsOptions
{
    public const string Section = "HsmVault:Limits";
    /// <summary>Largest request body accepted; larger ones get 413 before they are parsed.</summary>
    public int MaxRequestBodyBytes { get; set; } = 256 * 1024;

    public IEnumerable<string> Problems()
    {
        if (MaxRequestBodyBytes is < 4 * 1024 or > 16 * 1024 * 1024)
            yield return $"{Section}:MaxRequestBodyBytes must be between 4096 and 16777216; got {MaxRequestBodyBytes}.";
    }
}
