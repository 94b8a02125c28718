using System.Net;
using System.Security.Cryptography;
using System.Text;
using HsmVault.Identity;
using Microsoft.IdentityModel.Tokens;

namespace HsmVault.Fuzz;

/// <summary>
/// A bearer token through <see cref="BearerTokenValidator.ValidateAsync"/>: the header split, the size and shape checks,
/// the JWT decoding and the unvalidated <c>tid</c> before the signature is checked. The issuer's metadata and keys are
/// served from memory (an RSA key of this process), so no fuzzed token is ever valid and nothing leaves the process.
/// A rejected token is an outcome, never an exception.
/// </summary>
public static class JwtTarget
{
    private const string Authority = "https://login.fuzz.invalid", Tenant = "11111111-1111-4111-8111-111111111111";

    private static readonly BearerTokenValidator Validator = new(
        new AuthOptions { Authority = Authority, TenantId = Tenant, Audiences = ["https://localhost"] },
        new HttpClient(new MetadataInMemory()));

    public static void Run(byte[] input)
    {
        var header = "Bearer " + Encoding.UTF8.GetString(input);
        Validator.ValidateAsync(header, CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>The OpenID configuration and JWKS of a made-up issuer.</summary>
    private sealed class MetadataInMemory : HttpMessageHandler
    {
        private static readonly string Jwks = MakeJwks();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var path = request.RequestUri!.AbsolutePath;
            var body = path.EndsWith("/openid-configuration", StringComparison.Ordinal)
                ? $$"""{"issuer":"{{Authority}}/{{Tenant}}/v2.0","jwks_uri":"{{Authority}}/{{Tenant}}/discovery/v2.0/keys","id_token_signing_alg_values_supported":["RS256"]}"""
                : Jwks;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
        }

        private static string MakeJwks()
        {
            using var rsa = RSA.Create(2048);
            var p = rsa.ExportParameters(false);
            return $$"""{"keys":[{"kty":"RSA","use":"sig","kid":"fuzz","n":"{{Base64UrlEncoder.Encode(p.Modulus)}}","e":"{{Base64UrlEncoder.Encode(p.Exponent)}}"}]}""";
        }
    }
}
