using System.Collections.Concurrent;
using Azure;
using HsmVault.Pipeline;
using HsmVault.Resilience;
using HsmVault.Storage;
using Microsoft.Extensions.Options;

namespace HsmVault.Vaults;

/// <summary>Finds the vault a request addresses (from its Host header) and keeps vault rows briefly in memory.</summary>
public sealed class VaultDirectory(Tables tables, ResiliencePipelines resilience, IOptions<VaultOptions> options, TimeProvider clock)
{
    /// <summary>How long a vault row is trusted without re-reading; bounds how late a vault disable takes effect.</summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(1);

    private readonly VaultOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, (Vault? Vault, DateTimeOffset Expires)> _cache = new();

    /// <summary>The vault name a host addresses, or null when the host is not under the vault DNS suffix.</summary>
    public string? VaultNameFromHost(string host)
    {
        var suffix = _options.DnsSuffix;
        if (host.Equals(suffix, StringComparison.OrdinalIgnoreCase)) return _options.DefaultVault;
        if (host.Length > suffix.Length + 1 && host.EndsWith("." + suffix, StringComparison.OrdinalIgnoreCase))
        {
            var label = host[..^(suffix.Length + 1)];
            return label.Contains('.') ? null : label.ToLowerInvariant();
        }
        return null;
    }

    public Uri BaseUriOf(string vaultName)
    {
        var host = vaultName.Equals(_options.DefaultVault, StringComparison.OrdinalIgnoreCase)
            ? _options.DnsSuffix
            : $"{vaultName}.{_options.DnsSuffix}";
        return new UriBuilder("https", host, _options.PublicPort == 443 ? -1 : _options.PublicPort).Uri;
    }

    public async Task<Vault> ResolveAsync(string host, CancellationToken ct)
    {
        var name = VaultNameFromHost(host)
            ?? throw VaultException.NotFound("VaultNotFound", "The host name does not address a vault of this service.");
        var now = clock.GetUtcNow();
        if (!_cache.TryGetValue(name, out var cached) || cached.Expires <= now)
        {
            cached = (await LoadAsync(name, ct), now + CacheLifetime);
            _cache[name] = cached;
        }
        return cached.Vault ?? throw VaultException.NotFound("VaultNotFound", $"Vault '{name}' does not exist.");
    }

    private async Task<Vault?> LoadAsync(string name, CancellationToken ct)
    {
        var row = await resilience.StorageRead.ExecuteAsync(async token =>
            await tables.Vaults.GetEntityIfExistsAsync<VaultEntity>(VaultEntity.Partition, name, cancellationToken: token), ct);
        return row.HasValue && row.Value is { } e ? new Vault(e.Name, e.TenantId, e.Enabled, BaseUriOf(e.Name)) : null;
    }

    /// <summary>Creates the vault row unless it exists; an existing vault is left as operators changed it.</summary>
    public async Task EnsureExistsAsync(string name, string tenantId, CancellationToken ct)
    {
        var key = name.ToLowerInvariant();
        var entity = new VaultEntity { RowKey = key, Name = key, TenantId = tenantId, Created = clock.GetUtcNow() };
        try
        {
            await resilience.StorageWrite.ExecuteAsync(async token => await tables.Vaults.AddEntityAsync(entity, token), ct);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
        }
        _cache.TryRemove(key, out _);
    }
}
