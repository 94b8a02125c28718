using System.Collections.Concurrent;
using HsmVault.Objects;
using HsmVault.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace HsmVault.Identity;

/// <summary>
/// Validates <c>Authorization: Bearer</c> access tokens against the issuer's OpenID Connect metadata
/// (signature, issuer, audience, lifetime, tenant). Thread-safe; register as a singleton.
/// Tokens of the configured tenant are accepted, and of any tenant <see cref="ITrustedTenants"/> trusts (tenants that own
/// a vault): the token's unvalidated <c>tid</c> only chooses which tenant's metadata and issuers it is checked against.
/// </summary>
public sealed class BearerTokenValidator : IDisposable
{
    /// <summary>
    /// DI key of an optional <see cref="HttpClient"/> used to fetch metadata and keys
    /// (e.g. one that trusts the standalone host's self-signed certificate).
    /// </summary>
    public const string MetadataHttpClientKey = "HsmVault.Identity.Metadata";

    private static readonly string[] AllowedAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    private readonly string _tenantId;
    private readonly int _maxTokenBytes;
    private readonly TimeSpan _clockSkew;
    private readonly string[] _validAudiences;
    private readonly bool _entraIssuers;
    private readonly ConcurrentDictionary<string, TenantMetadata> _metadata = new(StringComparer.OrdinalIgnoreCase);
    private readonly HttpClient _metadataHttpClient;
    private readonly ITrustedTenants? _trustedTenants;
    private readonly JsonWebTokenHandler _handler;
    private readonly HttpClient? _ownedHttpClient;
    private readonly ValidatedTokenCache _validated;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;

    /// <summary>One tenant's OpenID metadata, and when a refresh was last requested for it.</summary>
    private sealed class TenantMetadata(string address, ConfigurationManager<OpenIdConnectConfiguration> manager)
    {
        public string Address { get; } = address;
        public ConfigurationManager<OpenIdConnectConfiguration> Manager { get; } = manager;
        public long LastRefreshRequestTicks;
    }

    /// <summary>How long a request that triggered a metadata refresh (unknown kid) waits for it.</summary>
    private static readonly TimeSpan RefreshWait = TimeSpan.FromSeconds(5);

    /// <param name="options">Validated options; <see cref="AuthOptions.Authority"/> must already be set.</param>
    /// <param name="metadataHttpClient">Client for metadata and JWKS requests; a default client when null. Not disposed by this class.</param>
    /// <param name="logger">Optional logger; tokens are never logged.</param>
    /// <param name="trustedTenants">Further tenants whose tokens are accepted; only the configured tenant when null.</param>
    /// <param name="clock">The clock for caching and refresh waits; the system clock when null.</param>
    public BearerTokenValidator(AuthOptions options, HttpClient? metadataHttpClient = null, ILogger<BearerTokenValidator>? logger = null,
        ITrustedTenants? trustedTenants = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = AuthOptionsValidator.GetErrors(options);
        if (errors.Count > 0)
            throw new ArgumentException("Invalid authentication options: " + string.Join(" ", errors), nameof(options));

        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _clock = clock ?? TimeProvider.System;
        _validated = new ValidatedTokenCache(_clock);
        _tenantId = options.TenantId.Trim();
        _maxTokenBytes = options.MaxTokenBytes;
        _clockSkew = options.ClockSkew;
        Authority = options.NormalizedAuthority;
        Audience = options.PrimaryAudience;
        _trustedTenants = trustedTenants;
        MetadataAddress = MetadataAddressOf(_tenantId);
        ChallengeHeaderValue = ChallengeFor(_tenantId);

        _validAudiences = options.EffectiveAudiences.Select(a => a.TrimEnd('/')).Where(a => a.Length > 0)
            .SelectMany(a => new[] { a, a + "/" }).ToArray();

        // The metadata issuer is always accepted; for Entra also the v1 (sts.windows.net) issuer of the same tenant
        // and the v2 issuer built from the authority.
        _entraIssuers = !options.UsesDevelopmentIdentityProvider;
        _metadataHttpClient = metadataHttpClient ?? (_ownedHttpClient = new HttpClient { Timeout = TimeSpan.FromSeconds(30) });

        _handler = new JsonWebTokenHandler { MaximumTokenSizeInBytes = _maxTokenBytes };
    }

    /// <summary>Authority without a trailing slash.</summary>
    public string Authority { get; }

    /// <summary>The configured primary audience, named in the challenge.</summary>
    public string Audience { get; }

    /// <summary>The OpenID Connect metadata document this validator reads.</summary>
    public string MetadataAddress { get; }

    /// <summary>Value for the <c>WWW-Authenticate</c> header of a 401 response, naming the configured tenant.</summary>
    public string ChallengeHeaderValue { get; }

    /// <summary>The <c>WWW-Authenticate</c> challenge for a resource owned by <paramref name="tenantId"/> (e.g. a vault's tenant).</summary>
    public string ChallengeFor(string tenantId) => $"Bearer authorization=\"{Authority}/{tenantId}\", resource=\"{Audience}\"";

    private string MetadataAddressOf(string tenant) => $"{Authority}/{tenant}/v2.0/.well-known/openid-configuration";

    /// <summary>The tenant a token is checked against: its own tid when that tenant is trusted, else the configured one.</summary>
    private string TenantOf(JsonWebToken jwt)
    {
        if (jwt.TryGetPayloadValue<string>("tid", out var tid) && Guid.TryParse(tid, out var parsed) && tid.Length == 36)
        {
            var normalized = parsed.ToString("D");
            if (normalized.Equals(_tenantId, StringComparison.OrdinalIgnoreCase) || _trustedTenants?.IsTrusted(normalized) == true)
                return normalized;
        }
        return _tenantId;
    }

    private TenantMetadata MetadataOf(string tenant) => _metadata.GetOrAdd(tenant.ToLowerInvariant(), t => new TenantMetadata(
        MetadataAddressOf(t),
        new ConfigurationManager<OpenIdConnectConfiguration>(
            MetadataAddressOf(t),
            new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever(_metadataHttpClient) { RequireHttps = true })));

    /// <summary>
    /// Reads the configured tenant's metadata and signing keys ahead of the first request (a restarted instance would
    /// otherwise fetch them inside its first caller's request). A failure only leaves them to be read as before.
    /// </summary>
    public async Task WarmUpAsync(CancellationToken ct)
    {
        var metadata = MetadataOf(_tenantId);
        try
        {
            await metadata.Manager.GetConfigurationAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            _logger.LogDebug("Identity metadata not read ahead from {MetadataAddress}: {Reason}", metadata.Address, ex.Message);
        }
    }

    public Task<TokenValidationOutcome> ValidateAsync(string? authorizationHeader, CancellationToken ct) =>
        CheckCheaply(authorizationHeader, out var token) is { } decided ? Task.FromResult(decided) : ValidateUncachedAsync(token!, ct);

    /// <summary>
    /// The checks that need no signature: the header's shape, and the cache of tokens that passed full validation. A
    /// known token is looked up by the header's characters, so a request that reuses its token allocates nothing here.
    /// Null when the token must be validated; <paramref name="token"/> is then the token.
    /// </summary>
    private TokenValidationOutcome? CheckCheaply(string? authorizationHeader, out string? token)
    {
        token = null;
        if (string.IsNullOrWhiteSpace(authorizationHeader))
            return TokenValidationOutcome.Failure("missing bearer token");

        var header = authorizationHeader.AsSpan().Trim();
        var space = header.IndexOf(' ');
        if (space <= 0 || !header[..space].Equals("Bearer", StringComparison.OrdinalIgnoreCase))
            return TokenValidationOutcome.Failure("authorization scheme must be Bearer");

        var candidate = header[(space + 1)..].Trim();
        if (candidate.Length == 0)
            return TokenValidationOutcome.Failure("missing bearer token");
        if (candidate.Length > _maxTokenBytes)
            return TokenValidationOutcome.Failure("token too large");
        if (!LooksLikeSignedJwt(candidate))
            return TokenValidationOutcome.Failure("malformed token");
        var cached = _validated.TryGet(candidate, out var known);
        VaultMetrics.CacheLookup(VaultMetrics.Caches.Tokens, cached);
        if (cached) return TokenValidationOutcome.Success(known);
        token = candidate.ToString();
        return null;
    }

    private async Task<TokenValidationOutcome> ValidateUncachedAsync(string token, CancellationToken ct)
    {
        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token);
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenMalformedException)
        {
            return TokenValidationOutcome.Failure("malformed token");
        }
        if (!AllowedAlgorithms.Contains(jwt.Alg, StringComparer.Ordinal))
            return TokenValidationOutcome.Failure("signing algorithm not allowed");

        var tenant = TenantOf(jwt);
        var metadata = MetadataOf(tenant);
        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await metadata.Manager.GetConfigurationAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            _logger.LogWarning("Could not read identity metadata from {MetadataAddress}: {Reason}", metadata.Address, ex.Message);
            return TokenValidationOutcome.Failure("identity provider metadata unavailable") with { MetadataUnavailable = true };
        }

        var result = await ValidateAgainstAsync(jwt, configuration, tenant).ConfigureAwait(false);

        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // Keys may have rolled over: ask for fresh metadata once and retry with it.
            var refreshed = await RefreshAfterUnknownKeyAsync(metadata, configuration, ct).ConfigureAwait(false);
            if (refreshed is not null)
                result = await ValidateAgainstAsync(jwt, refreshed, tenant).ConfigureAwait(false);
        }

        if (!result.IsValid)
        {
            var error = Describe(result.Exception);
            _logger.LogDebug("Bearer token rejected: {Reason}", error);
            return TokenValidationOutcome.Failure(error);
        }

        var validated = (JsonWebToken)result.SecurityToken;
        var outcome = MapCaller(validated, tenant);
        if (outcome.Caller is { } caller) _validated.Add(token, caller, validated.ValidTo);
        return outcome;
    }

    /// <summary>
    /// Requests a metadata refresh and waits (bounded) for it. The ConfigurationManager refreshes in the background
    /// and honours a request at most once per <see cref="BaseConfigurationManager.RefreshInterval"/>, so only the
    /// request that actually triggers a refresh waits; others fail fast with the cached keys.
    /// </summary>
    private async Task<OpenIdConnectConfiguration?> RefreshAfterUnknownKeyAsync(TenantMetadata metadata, OpenIdConnectConfiguration stale, CancellationToken ct)
    {
        var now = _clock.GetUtcNow().UtcTicks;
        var last = Interlocked.Read(ref metadata.LastRefreshRequestTicks);
        var honoured = last == 0 || now - last >= metadata.Manager.RefreshInterval.Ticks;
        if (!honoured || Interlocked.CompareExchange(ref metadata.LastRefreshRequestTicks, now, last) != last)
            return null;

        metadata.Manager.RequestRefresh();
        var deadline = _clock.GetUtcNow() + RefreshWait;
        var delay = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            try
            {
                var current = await metadata.Manager.GetConfigurationAsync(ct).ConfigureAwait(false);
                if (!ReferenceEquals(current, stale))
                    return current;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception ex)
            {
                _logger.LogWarning("Could not refresh identity metadata from {MetadataAddress}: {Reason}", metadata.Address, ex.Message);
                return null;
            }

            if (_clock.GetUtcNow() + delay > deadline)
            {
                _logger.LogWarning("Identity metadata refresh from {MetadataAddress} did not finish within {Wait}", metadata.Address, RefreshWait);
                return null;
            }
            await Task.Delay(delay, _clock, ct).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMilliseconds(200).Ticks));
        }
    }

    private Task<TokenValidationResult> ValidateAgainstAsync(JsonWebToken token, OpenIdConnectConfiguration configuration, string tenant)
    {
        string[] extra = _entraIssuers ? [$"https://sts.windows.net/{tenant}/", $"{Authority}/{tenant}/v2.0"] : [];
        var issuers = string.IsNullOrEmpty(configuration.Issuer)
            ? extra
            : [configuration.Issuer, .. extra];

        var parameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuers = issuers,
            ValidateAudience = true,
            ValidAudiences = _validAudiences,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = _clockSkew,
            RequireSignedTokens = true,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidAlgorithms = AllowedAlgorithms,
            TryAllIssuerSigningKeys = false, // the token's kid must name a published key
            ValidateIssuerSigningKey = false,
            ValidateTokenReplay = false,
            SaveSigninToken = false,
        };
        return _handler.ValidateTokenAsync(token, parameters);
    }

    private TokenValidationOutcome MapCaller(JsonWebToken jwt, string tenant)
    {
        if (!jwt.TryGetPayloadValue<string>("tid", out var tid) || !string.Equals(tid, tenant, StringComparison.OrdinalIgnoreCase))
            return TokenValidationOutcome.Failure("token is for another tenant");

        if (!jwt.TryGetPayloadValue<string>("oid", out var oid) || string.IsNullOrWhiteSpace(oid))
            return TokenValidationOutcome.Failure("token has no oid claim");

        string? appId = null;
        if (jwt.TryGetPayloadValue<string>("appid", out var appid) && !string.IsNullOrEmpty(appid))
            appId = appid;
        else if (jwt.TryGetPayloadValue<string>("azp", out var azp) && !string.IsNullOrEmpty(azp))
            appId = azp;

        return TokenValidationOutcome.Success(new CallerIdentity(oid, tid, appId, ClaimValues(jwt, "groups"), ClaimValues(jwt, "roles")));
    }

    private static string[] ClaimValues(JsonWebToken jwt, string type) =>
        jwt.Claims.Where(c => c.Type == type && !string.IsNullOrEmpty(c.Value)).Select(c => c.Value).ToArray();

    /// <summary>Compact JWS: three base64url parts (the last may be empty, which the handler then rejects as unsigned).</summary>
    private static bool LooksLikeSignedJwt(ReadOnlySpan<char> token)
    {
        var dots = 0;
        foreach (var c in token)
        {
            if (c == '.') dots++;
            else if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_')) return false;
        }
        return dots == 2;
    }

    private static string Describe(Exception? ex) => ex switch
    {
        SecurityTokenExpiredException => "token expired",
        SecurityTokenNotYetValidException => "token not yet valid",
        SecurityTokenNoExpirationException => "token has no expiry",
        SecurityTokenInvalidLifetimeException => "invalid token lifetime",
        SecurityTokenInvalidIssuerException => "invalid issuer",
        SecurityTokenInvalidAudienceException => "invalid audience",
        SecurityTokenInvalidAlgorithmException => "signing algorithm not allowed",
        SecurityTokenSignatureKeyNotFoundException => "signing key not found",
        SecurityTokenInvalidSignatureException => "invalid signature",
        SecurityTokenMalformedException or ArgumentException => "malformed token",
        _ => "invalid token",
    };

    /// <summary>Whether the header carries a token that already passed full validation: a lookup, never a signature check.</summary>
    public bool IsKnownValid(string? authorizationHeader)
    {
        var header = authorizationHeader.AsSpan().Trim();
        var space = header.IndexOf(' ');
        return space > 0 && header[..space].Equals("Bearer", StringComparison.OrdinalIgnoreCase)
            && _validated.TryGet(header[(space + 1)..].Trim(), out _);
    }

    public void Dispose() => _ownedHttpClient?.Dispose();
}
