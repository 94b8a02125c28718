// Temporary stand-ins until the identity branch is merged; deleted by that merge.
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
namespace HsmVault.Identity;
public sealed record CallerIdentity(string ObjectId, string TenantId, string? AppId, IReadOnlyList<string> Groups, IReadOnlyList<string> Roles);
public sealed record TokenValidationOutcome(CallerIdentity? Caller, string? Error) { public bool Succeeded => Caller is not null; }
public sealed class AuthOptions { public string Authority { get; set; } = ""; public string TenantId { get; set; } = ""; public string Audience { get; set; } = "https://vault.azure.net"; }
public sealed class BearerTokenValidator
{
    public string ChallengeHeaderValue => "Bearer authorization=\"x\", resource=\"y\"";
    public Task<TokenValidationOutcome> ValidateAsync(string? header, CancellationToken ct) =>
        Task.FromResult(new TokenValidationOutcome(new CallerIdentity("aaaaaaaa-0000-4000-8000-000000000001", "t", null, [], []), null));
}
public static class AuthStubExtensions
{
    public static IServiceCollection AddHsmVaultAuthentication(this IServiceCollection s, IConfiguration c) { s.AddSingleton<BearerTokenValidator>(); return s; }
    public static IServiceCollection AddDevIdentityProvider(this IServiceCollection s, IConfiguration c, string dataDirectory) => s;
    public static IEndpointRouteBuilder MapDevIdentityProvider(this IEndpointRouteBuilder app) => app;
}
