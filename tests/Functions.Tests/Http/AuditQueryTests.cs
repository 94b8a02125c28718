using System.Security.Cryptography;
using System.Text.Json;

using HsmVault.Tests.Audit;

namespace HsmVault.Tests.Http;

/// <summary>
/// A scripted set of operations on a fresh key, then the auditor's questions through the management API: who signed with
/// the key, paged newest first, and the key's usage, with exact counts.
/// </summary>
[Collection(HostCollection.Name)]
public sealed class AuditQueryTests(HostFixture host)
{
    private Task<string> AuditorTokenAsync() =>
        host.TokenAsync(TestEnvironment.Require("HSMVAULT_TEST_AUDITOR_ID"), TestEnvironment.Require("HSMVAULT_TEST_AUDITOR_SECRET"));

    private async Task<VaultResponse> AskAsync(string path, string query, string? token = null) =>
        await host.SendAsync(HttpMethod.Get, path, token: token ?? await AuditorTokenAsync(), apiVersion: "2024-11-01", query: query);

    [Fact]
    public async Task An_auditor_gets_exactly_who_used_a_key_and_how_often()
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var (name, version, _) = await host.CreateKeyAsync("audq");
        var admin = await host.AdminTokenAsync();
        var noAccess = await host.NoAccessTokenAsync();
        var digest = Convert.ToBase64String(SHA256.HashData("audit query"u8)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        for (var i = 0; i < 3; i++)
            (await host.SendAsync(HttpMethod.Post, $"keys/{name}/{version}/sign", new { alg = "RS256", value = digest }, admin)).AssertStatus(200);
        (await host.SendAsync(HttpMethod.Get, $"keys/{name}", token: admin)).AssertStatus(200);
        for (var i = 0; i < 2; i++) (await host.SendAsync(HttpMethod.Get, $"keys/{name}/{version}", token: noAccess)).AssertStatus(403);
        var window = $"start={Uri.EscapeDataString(since.ToString("O"))}&end={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddSeconds(1).ToString("O"))}";
        var adminOid = TestEnvironment.Require("HSMVAULT_TEST_ADMIN_OID");
        var noAccessOid = TestEnvironment.Require("HSMVAULT_TEST_NOACCESS_OID");

        // Who signed with this key: three records, all the admin's, newest first, two pages.
        var first = await AskAsync("management/audit/vaults/default/records", $"{window}&object=keys/{name}&operation=KeySign&maxresults=2");
        first.AssertStatus(200);
        var page1 = first.Json.GetProperty("value").EnumerateArray().ToList();
        Assert.Equal(2, page1.Count);
        var next = first.Json.GetProperty("nextLink").GetString()!;
        var second = await host.SendAsync(HttpMethod.Get, new Uri(next).PathAndQuery.TrimStart('/'), token: await AuditorTokenAsync(), apiVersion: null);
        second.AssertStatus(200);
        var page2 = second.Json.GetProperty("value").EnumerateArray().ToList();
        Assert.Single(page2);
        Assert.False(second.Json.TryGetProperty("nextLink", out var more) && more.ValueKind == JsonValueKind.String);
        var signs = page1.Concat(page2).ToList();
        Assert.All(signs, r => Assert.Equal(adminOid, r.GetProperty("identity").GetProperty("claim").GetProperty(HsmVault.Audit.AuditEvent.ObjectIdClaim).GetString()));
        Assert.All(signs, r => Assert.EndsWith($"/keys/{name}/{version}", r.GetProperty("properties").GetProperty("id").GetString()));
        var times = signs.Select(r => r.GetProperty("time").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);

        // Filters: caller and result.
        var denied = await AskAsync("management/audit/vaults/default/records", $"{window}&object=keys/{name}&caller={noAccessOid}");
        Assert.Equal(2, denied.Json.GetProperty("value").GetArrayLength());
        Assert.All(denied.Json.GetProperty("value").EnumerateArray(), r => Assert.Equal("Failure", r.GetProperty("resultType").GetString()));
        var all = await AskAsync("management/audit/vaults/default/records", $"{window}&object=keys/{name}&result=Success");
        Assert.Equal(5, all.Json.GetProperty("value").GetArrayLength()); // create, 3 signs, get

        // Usage of the key in the window: operations x callers x results.
        var usage = await AskAsync("management/audit/vaults/default/usage", $"{window}&granularity=hour&unusedDays=1");
        usage.AssertStatus(200);
        var key = usage.Json.GetProperty("keys").EnumerateArray().Single(k => k.GetProperty("key").GetString() == $"keys/{name}");
        var counts = key.GetProperty("usage").EnumerateArray()
            .GroupBy(u => (u.GetProperty("operation").GetString(), u.GetProperty("caller").GetString(), u.GetProperty("result").GetString()))
            .ToDictionary(g => g.Key, g => g.Sum(u => u.GetProperty("count").GetInt64()));
        Assert.Equal(3, counts[("KeySign", adminOid, "Success")]);
        Assert.Equal(1, counts[("KeyGet", adminOid, "Success")]);
        Assert.Equal(2, counts[("KeyGet", noAccessOid, "Failure")]);
        Assert.Equal(1, counts[("KeyCreate", adminOid, "Success")]);
        Assert.Equal(4, counts.Count);
        Assert.True(usage.Json.GetProperty("lastUse").TryGetProperty($"keys/{name}", out _));
        Assert.DoesNotContain(usage.Json.GetProperty("unusedKeys").EnumerateArray(), k => k.GetString() == $"keys/{name}");

        // The hour as Key Vault's PT1H.json document: {"records":[…]}, oldest first, holding the three signatures.
        var export = await AskAsync("management/audit/vaults/default/export", $"hour={Uri.EscapeDataString(times[0].ToString("O"))}");
        export.AssertStatus(200);
        var hourRecords = export.Json.GetProperty("records").EnumerateArray().ToList();
        Assert.Equal(hourRecords.Select(r => r.GetProperty("time").GetDateTimeOffset()).Order(), hourRecords.Select(r => r.GetProperty("time").GetDateTimeOffset()));
        var inHour = signs.Where(r => r.GetProperty("time").GetDateTimeOffset().UtcDateTime.Hour == times[0].UtcDateTime.Hour).ToList();
        Assert.NotEmpty(inHour);
        Assert.Superset(inHour.Select(r => r.GetProperty("correlationId").GetString()).ToHashSet(),
            hourRecords.Select(r => r.GetProperty("correlationId").GetString()).ToHashSet());
    }

    [Fact]
    public async Task Only_auditors_and_operators_may_ask_and_bad_filters_are_400()
    {
        (await AskAsync("management/audit/vaults/default/records", "", await host.AdminTokenAsync())).AssertStatus(403);
        var operatorToken = await host.TokenAsync(TestEnvironment.Require("HSMVAULT_TEST_OPERATOR_ID"), TestEnvironment.Require("HSMVAULT_TEST_OPERATOR_SECRET"));
        (await AskAsync("management/audit/vaults/default/records", "maxresults=1", operatorToken)).AssertStatus(200);
        (await AskAsync("management/audit/vaults/default/records", "start=yesterday")).AssertStatus(400);
        (await AskAsync("management/audit/vaults/default/records", "maxresults=0")).AssertStatus(400);
        (await AskAsync("management/audit/vaults/default/records", "$skiptoken=garbage")).AssertStatus(400);
        (await AskAsync("management/audit/vaults/default/usage", "granularity=week")).AssertStatus(400);
        (await AskAsync("management/audit/vaults/default/export", "")).AssertStatus(400);
        (await AskAsync("management/audit/signing-key", "", await host.AdminTokenAsync())).AssertStatus(403);
    }

    [Fact]
    public async Task The_audit_public_key_verifies_the_signed_chain_heads()
    {
        var key = await AskAsync("management/audit/signing-key", "");
        key.AssertStatus(200);
        using var ec = ECDsa.Create();
        ec.ImportFromPem(key.Json.GetProperty("pem").GetString());
        Assert.Equal(256, ec.KeySize);
        await host.CreateKeyAsync("audkey"); // a record, so the hosts sign a head within their 5 s interval
        var heads = await StoredAuditRecords.HeadsAsync();
        for (var wait = 0; heads.Count == 0 && wait < 40; wait++)
        {
            await Task.Delay(250);
            heads = await StoredAuditRecords.HeadsAsync();
        }
        Assert.NotEmpty(heads);
        Assert.All(heads, h => Assert.True(ec.VerifyHash(
            HsmVault.Audit.AuditChainFormat.HeadDigest(h.Chain, h.Seq, h.Hash, h.Time, h.Closed), Convert.FromBase64String(h.Signature))));
    }
}
