namespace HsmVault.Http;

public sealed class LimitsOptions
{
    public const string Section = "HsmVault:Limits";
    /// <summary>Largest request body accepted; larger ones get 413 before they are parsed.</summary>
    public int MaxRequestBodyBytes { get; set; } = 256 * 1024;
}
