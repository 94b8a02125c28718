using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using HsmVault.Audit;
using HsmVault.Tests.Audit;

namespace HsmVault.Tests.Http;

[Collection(HostCollection.Name)]
public sealed class AuditTrailTests(HostFixture host)
{
    [Fact]
    public async Task Sign_is_audited_with_caller_operation_object_and_outcome_but_no_secrets()
    {
        var (name, version, bundle) = await host.CreateKeyAsync("audit");
        var token = await host.AdminTokenAsync();
        var claims = HostFixture.ClaimsOf(token);
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes("audit me " + Guid.NewGuid()));
        var digestText = Convert.ToBase64String(digest).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var correlation = "audit-" + Guid.NewGuid().ToString("N");

        var signed = await host.SendAsync(HttpMethod.Post, $"keys/{name}/{version}/sign", new { alg = "RS256", value = digestText },
            token, clientRequestId: correlation);
        signed.AssertStatus(200);

        // The signature is a real RS256 signature by the key the vault returned.
        using var rsa = RSA.Create(new RSAParameters
        {
            Modulus = Convert.FromBase64String(Pad(bundle.GetProperty("key").GetProperty("n").GetString()!)),
            Exponent = Convert.FromBase64String(Pad(bundle.GetProperty("key").GetProperty("e").GetString()!)),
        });
        var signature = Convert.FromBase64String(Pad(signed.Json.GetProperty("value").GetString()!));
        Assert.True(rsa.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

        // Stored before the answer left: no waiting.
        var row = Assert.Single(await StoredAuditRecords.WithCorrelationAsync(correlation));
        Assert.Equal("KeySign", row.Text("operationName"));
        Assert.Equal("AuditEvent", row.Text("category"));
        Assert.EndsWith("/VAULTS/DEFAULT", row.Text("resourceId"));
        Assert.EndsWith($"/keys/{name}/{version}", row.Text("properties", "id"));
        Assert.Contains($"/keys/{name}/{version}/sign?api-version=", row.Text("properties", "requestUri"));
        Assert.Equal("RS256", row.Text("properties", "algorithm"));
        Assert.Equal("200", row.Text("properties", "httpStatusCode"));
        Assert.Equal(("Success", "OK"), (row.Text("resultType"), row.Text("resultSignature")));
        Assert.False(string.IsNullOrEmpty(row.Text("operationVersion")));
        Assert.True(long.Parse(row.Text("durationMs")) >= 0);
        var claim = row.GetProperty("identity").GetProperty("claim");
        Assert.Equal(claims.GetProperty("oid").GetString(), claim.Text(AuditEvent.ObjectIdClaim));
        Assert.Equal(TestEnvironment.Require("HSMVAULT_TEST_ADMIN_OID"), claim.Text(AuditEvent.ObjectIdClaim));
        Assert.Equal(host.Tenant, claim.Text(AuditEvent.TenantIdClaim));
        Assert.Equal(host.AdminClientId, claim.Text(AuditEvent.AppIdClaim));
        Assert.False(string.IsNullOrEmpty(row.Text("callerIpAddress")));
        Assert.InRange(row.GetProperty("time").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));

        AssertNoSecrets(row, token, digestText, Convert.ToBase64String(digest), TestEnvironment.Require("HSMVAULT_TEST_PIN"), host.AdminSecret);
    }

    [Fact]
    public async Task Denied_and_unauthenticated_requests_are_audited_too()
    {
        var (name, version, _) = await host.CreateKeyAsync("audit-denied");
        var startedAt = DateTimeOffset.UtcNow;
        var denied = "denied-" + Guid.NewGuid().ToString("N");
        var anonymous = "anon-" + Guid.NewGuid().ToString("N");
        var noAccess = await host.NoAccessTokenAsync();

        (await host.SendAsync(HttpMethod.Get, $"keys/{name}/{version}", token: noAccess, clientRequestId: denied)).AssertStatus(403);
        (await host.SendAsync(HttpMethod.Get, $"keys/{name}", clientRequestId: anonymous)).AssertStatus(401);

        var deniedRow = Assert.Single(await StoredAuditRecords.WithCorrelationAsync(denied));
        Assert.Equal(("KeyGet", "403", "Failure", "Forbidden", "AccessDenied"), (deniedRow.Text("operationName"),
            deniedRow.Text("properties", "httpStatusCode"), deniedRow.Text("resultType"), deniedRow.Text("resultSignature"), deniedRow.Text("resultDescription")));
        Assert.Equal(HostFixture.ClaimsOf(noAccess).GetProperty("oid").GetString(), deniedRow.GetProperty("identity").GetProperty("claim").Text(AuditEvent.ObjectIdClaim));
        AssertNoSecrets(deniedRow, noAccess);

        // A request without a token is counted into an aggregate (per vault, address, reason and window), not stored alone.
        Assert.Empty(await StoredAuditRecords.WithCorrelationAsync(anonymous));
        var deadline = DateTime.UtcNow.AddSeconds(20); // the test host closes its window every 2 s
        List<JsonElement> aggregates;
        do
        {
            await Task.Delay(500);
            aggregates = await StoredAuditRecords.ReadAsync(r => r.Text("operationName") == UnauthenticatedCounter.Operation
                && r.Text("resourceId").EndsWith("/VAULTS/DEFAULT") && r.Text("properties", "httpStatusCode") == "401"
                && r.GetProperty("time").GetDateTimeOffset() > startedAt);
        } while (aggregates.Count == 0 && DateTime.UtcNow < deadline);
        Assert.NotEmpty(aggregates);
        var aggregate = aggregates[0];
        Assert.True(aggregate.GetProperty("properties").GetProperty("count").GetInt64() >= 1);
        Assert.False(aggregate.TryGetProperty("identity", out _));
    }

    [Fact]
    public async Task Byok_import_is_audited_with_the_key_exchange_key_it_used()
    {
        var (kek, kekVersion, kekBundle) = await host.CreateKeyAsync("audit-kek", new { kty = "RSA-HSM", key_size = 2048, key_ops = new[] { "import" } });
        using var kekPublic = RSA.Create(new RSAParameters
        {
            Modulus = Convert.FromBase64String(Pad(kekBundle.GetProperty("key").GetProperty("n").GetString()!)),
            Exponent = Convert.FromBase64String(Pad(kekBundle.GetProperty("key").GetProperty("e").GetString()!)),
        });
        var aesKey = RandomNumberGenerator.GetBytes(32);
        using var aes = Aes.Create();
        aes.Key = aesKey;
        byte[] ciphertext = [.. kekPublic.Encrypt(aesKey, RSAEncryptionPadding.OaepSHA1), .. aes.EncryptKeyWrapPadded(RandomNumberGenerator.GetBytes(32))];
        string Blob(byte[] ct) => B64u(JsonSerializer.SerializeToUtf8Bytes(new
        {
            schema_version = "1.0.0",
            header = new { kid = kekBundle.GetProperty("key").GetProperty("kid").GetString(), alg = "dir", enc = "CKM_RSA_AES_KEY_WRAP" },
            ciphertext = B64u(ct),
            generator = "audit test",
        }));
        var ok = "byok-" + Guid.NewGuid().ToString("N");
        var bad = "byok-bad-" + Guid.NewGuid().ToString("N");
        var name = "audit-byok-" + Guid.NewGuid().ToString("N")[..8];
        var imported = await host.AdminAsync(HttpMethod.Put, $"keys/{name}", new { key = new { kty = "oct-HSM", key_hsm = Blob(ciphertext) } }, ok);
        imported.AssertStatus(200);
        ciphertext[^3] ^= 1;
        (await host.AdminAsync(HttpMethod.Put, $"keys/{name}-x", new { key = new { kty = "oct-HSM", key_hsm = Blob(ciphertext) } }, bad)).AssertStatus(400);

        var row = Assert.Single(await StoredAuditRecords.WithCorrelationAsync(ok));
        Assert.Equal(("KeyImport", "200", $"keys/{kek}/{kekVersion}", "CKM_RSA_AES_KEY_WRAP"), (row.Text("operationName"),
            row.Text("properties", "httpStatusCode"), row.Text("properties", "keyEncryptionKey"), row.Text("properties", "algorithm")));
        Assert.Contains($"/keys/{name}/", row.Text("properties", "id"));
        var refused = Assert.Single(await StoredAuditRecords.WithCorrelationAsync(bad));
        Assert.Equal(("400", "BadParameter", $"keys/{kek}/{kekVersion}"), (refused.Text("properties", "httpStatusCode"),
            refused.Text("resultDescription"), refused.Text("properties", "keyEncryptionKey")));
        AssertNoSecrets(row, B64u(aesKey), Convert.ToBase64String(aesKey));
    }

    private static string B64u(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static void AssertNoSecrets(JsonElement row, params string[] secrets)
    {
        var text = row.GetRawText();
        foreach (var secret in secrets.Where(s => s.Length >= 8))
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
    }

    private static string Pad(string b64url)
    {
        var s = b64url.Replace('-', '+').Replace('_', '/');
        return s + new string('=', (4 - s.Length % 4) % 4);
    }
}
