using System.Collections.Concurrent;
using System.Net;
using HsmVault.Hsm;
using HsmVault.Objects;
using HsmVault.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HsmVault.Vaults;

/// <summary>
/// The HSM token of each vault: the deployment's, or the customer's own module and token the vault is bound to. A customer
/// token is a <see cref="GuardedToken"/> opened on first use, with its own sessions, capability probe and login, and its
/// own breaker (the resilience pipelines key breakers by <see cref="IHsm.TokenId"/>). While it is cut off (removed, PIN
/// changed) its vaults answer 503 HsmUnavailable before any HSM call, so neither breaker counts the refusals and the vault
/// serves again as soon as a recheck logs in.
/// </summary>
public sealed class VaultHsms(IHsm deployment, VaultStateWatcher vaults, IOptions<HsmOptions> hsmOptions, IOptions<CustomerHsmOptions> options,
    IConfiguration configuration, ILogger<VaultHsms> logger) : IVaultTokens, IDisposable
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);
    private readonly ConcurrentDictionary<string, Lazy<(GuardedToken Guarded, IHsm Hsm)>> _tokens = new(StringComparer.Ordinal);

    public IHsm Deployment => deployment;

    /// <summary>The HSM of a live vault as the request saw it.</summary>
    public IHsm For(Vault vault) => For(vault.Name, vault.Hsm);

    /// <summary>The HSM of a live vault by name (sweeps and stores that only know the name); the deployment's when unknown.</summary>
    public IHsm For(string vault) => For(vault, vaults.Find(vault)?.Hsm);

    /// <summary>The HSM of a vault with this binding (null: the deployment's); 503 HsmUnavailable while a customer token is cut off.</summary>
    public IHsm For(string vault, HsmBinding? binding)
    {
        if (binding is null) return deployment;
        var (guarded, hsm) = _tokens.GetOrAdd(binding.TokenId, _ => new Lazy<(GuardedToken, IHsm)>(() => Open(binding))).Value;
        guarded.EnsureTried();
        if (!guarded.Available)
            throw new VaultException(HttpStatusCode.ServiceUnavailable, "HsmUnavailable",
                $"The HSM vault '{vault}' is bound to cannot be reached or logged in to; the vault serves again when it is back.", retryAfter: RetryAfter);
        return hsm;
    }

    /// <summary>Whether the binding's module is on the operator's allowlist (<see cref="CustomerHsmOptions.AllowedModules"/>).</summary>
    public bool IsAllowedModule(string path) => options.Value.AllowedModules.Contains(path, StringComparer.Ordinal);

    public bool PinReferenceExists(string reference) => !string.IsNullOrEmpty(PinOf(reference));

    private string? PinOf(string reference) => configuration[$"{CustomerHsmOptions.PinSection}:{reference}"];

    private (GuardedToken, IHsm) Open(HsmBinding binding)
    {
        var d = hsmOptions.Value;
        var guarded = new GuardedToken(new HsmOptions
        {
            LibraryPath = binding.ModulePath, TokenLabel = binding.TokenLabel, TokenSerial = binding.TokenSerial,
            UserPin = PinOf(binding.PinReference) ?? "",
            MaxIdleSessions = d.MaxIdleSessions, MaxSessions = d.MaxSessions, SessionWait = d.SessionWait,
            MaxQueuedObjectWrites = d.MaxQueuedObjectWrites, BackupKeyLabel = d.BackupKeyLabel, TokenLockFile = d.TokenLockFile,
        }, options.Value.RecheckInterval);
        guarded.StateChanged += failure =>
        {
            // The adapter's message names the token and the PKCS#11 reason, never the PIN.
            if (failure is null) logger.LogInformation("Customer HSM token {TokenId} is open; its vaults serve", binding.TokenId);
            else logger.LogWarning("Customer HSM token {TokenId} is unavailable; its vaults answer 503 until it is back: {Reason}", binding.TokenId, failure);
        };
        // Traced like the deployment's token when telemetry is on.
        return (guarded, deployment is TracedHsm ? new TracedHsm(guarded) : guarded);
    }

    public void Dispose()
    {
        foreach (var t in _tokens.Values.Where(l => l.IsValueCreated)) t.Value.Guarded.Dispose();
    }
}
