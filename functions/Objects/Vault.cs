namespace HsmVault.Objects;

/// <summary>A vault as the request pipeline sees it.</summary>
public sealed record Vault(string Name, string TenantId, bool Enabled, Uri BaseUri, string PolicyStamp = "");
