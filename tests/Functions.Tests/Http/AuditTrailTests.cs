using System.Security.Cryptography;
using System.Text;
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
