using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using HsmVault.Audit;

namespace HsmVault.Tests.Http;

[Collection(HostCollection.Name)]
public sealed class AuditTrailTests(HostFixture host)
{
    private async Task<List<AuditEntity>> AuditRowsAsync(string correlationId, int atLeast)
    {
        var table = new TableClient(host.TablesConnectionString, "e2eaudit");
        var rows = new List<AuditEntity>();
        var deadline = DateTime.UtcNow.AddSeconds(8); // the writer batches off the request path
        while (true)
        {
            rows.Clear();
            await foreach (var row in table.QueryAsync<AuditEntity>(e => e.CorrelationId == correlationId)) rows.Add(row);
            if (rows.Count >= atLeast || DateTime.UtcNow > deadline) return rows;
            await Task.Delay(200);
        }
    }

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

        var row = Assert.Single(await AuditRowsAsync(correlation, 1));
        Assert.Equal("KeySign", row.Operation);
        Assert.Equal("default", row.Vault);
        Assert.Equal($"keys/{name}/{version}", row.ObjectId);
        Assert.Equal("RS256", row.Algorithm);
        Assert.Equal(200, row.Status);
        Assert.Equal("Success", row.Result);
        Assert.True(row.LatencyMs > 0, $"latency {row.LatencyMs}");
        Assert.Equal(claims.GetProperty("oid").GetString(), row.CallerObjectId);
        Assert.Equal(host.Tenant, row.CallerTenantId);
        Assert.Equal(TestEnvironment.Require("HSMVAULT_TEST_ADMIN_OID"), row.CallerObjectId);
        Assert.Equal(host.AdminClientId, row.CallerAppId);
        Assert.False(string.IsNullOrEmpty(row.ClientIp));
        Assert.InRange(row.Time, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));

        AssertNoSecrets(row, token, digestText, Convert.ToBase64String(digest), TestEnvironment.Require("HSMVAULT_TEST_PIN"), host.AdminSecret);
    }

    [Fact]
    public async Task Denied_and_unauthenticated_requests_are_audited_too()
    {
        var (name, version, _) = await host.CreateKeyAsync("audit-denied");
        var denied = "denied-" + Guid.NewGuid().ToString("N");
        var anonymous = "anon-" + Guid.NewGuid().ToString("N");
        var noAccess = await host.NoAccessTokenAsync();

        (await host.SendAsync(HttpMethod.Get, $"keys/{name}/{version}", token: noAccess, clientRequestId: denied)).AssertStatus(403);
        (await host.SendAsync(HttpMethod.Get, $"keys/{name}", clientRequestId: anonymous)).AssertStatus(401);

        var deniedRow = Assert.Single(await AuditRowsAsync(denied, 1));
        Assert.Equal(("KeyGet", 403, "AccessDenied"), (deniedRow.Operation, deniedRow.Status, deniedRow.Result));
        Assert.Equal(HostFixture.ClaimsOf(noAccess).GetProperty("oid").GetString(), deniedRow.CallerObjectId);
        AssertNoSecrets(deniedRow, noAccess);

        var anonymousRow = Assert.Single(await AuditRowsAsync(anonymous, 1));
        Assert.Equal(("KeyGet", 401), (anonymousRow.Operation, anonymousRow.Status));
        Assert.Null(anonymousRow.CallerObjectId);
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

        var row = Assert.Single(await AuditRowsAsync(ok, 1));
        Assert.Equal(("KeyImport", 200, $"keys/{kek}/{kekVersion}", "CKM_RSA_AES_KEY_WRAP"), (row.Operation, row.Status, row.KeyEncryptionKey, row.Algorithm));
        Assert.StartsWith($"keys/{name}/", row.ObjectId);
        var refused = Assert.Single(await AuditRowsAsync(bad, 1));
        Assert.Equal((400, "BadParameter", $"keys/{kek}/{kekVersion}"), (refused.Status, refused.Result, refused.KeyEncryptionKey));
        AssertNoSecrets(row, B64u(aesKey), Convert.ToBase64String(aesKey));
    }

    private static string B64u(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static void AssertNoSecrets(AuditEntity row, params string[] secrets)
    {
        var values = typeof(AuditEntity).GetProperties().Select(p => p.GetValue(row)?.ToString() ?? "").ToList();
        foreach (var secret in secrets.Where(s => s.Length >= 8))
            Assert.DoesNotContain(values, v => v.Contains(secret, StringComparison.Ordinal));
    }

    private static string Pad(string b64url)
    {
        var s = b64url.Replace('-', '+').Replace('_', '/');
        return s + new string('=', (4 - s.Length % 4) % 4);
    }
}
