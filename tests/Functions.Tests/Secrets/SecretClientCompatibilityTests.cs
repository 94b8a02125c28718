using System.Text;
using Azure;
using Azure.Security.KeyVault.Secrets;

namespace HsmVault.Tests.Secrets;

/// <summary>Azure.Security.KeyVault.Secrets (SecretClient) against the standalone host over HTTPS.</summary>
public sealed class SecretClientCompatibilityTests
{
    private readonly SecretClient _client = SecretClients.Admin();

    [Fact]
    public async Task Set_then_get_latest_and_by_version()
    {
        var name = SecretClients.UniqueName("net-get");
        var secret = new KeyVaultSecret(name, "s3cr3t value") { Properties = { ContentType = "text/plain", Tags = { ["app"] = "tests" } } };
        KeyVaultSecret set = await _client.SetSecretAsync(secret);
        Assert.Equal("s3cr3t value", set.Value);
        Assert.Equal(new Uri(TestHostEnvironment.VaultUri, $"/secrets/{name}/{set.Properties.Version}"), set.Id);
        Assert.Matches("^[0-9a-f]{32}$", set.Properties.Version);

        KeyVaultSecret latest = await _client.GetSecretAsync(name);
        Assert.Equal("s3cr3t value", latest.Value);
        Assert.Equal(set.Id, latest.Id);
        Assert.Equal("text/plain", latest.Properties.ContentType);
        Assert.Equal("tests", latest.Properties.Tags["app"]);
        Assert.True(latest.Properties.Enabled);
        Assert.NotNull(latest.Properties.CreatedOn);
        Assert.Equal("Recoverable+Purgeable", latest.Properties.RecoveryLevel);
        Assert.Equal(90, latest.Properties.RecoverableDays);

        KeyVaultSecret byVersion = await _client.GetSecretAsync(name, set.Properties.Version);
        Assert.Equal("s3cr3t value", byVersion.Value);
    }

    [Fact]
    public async Task New_versions_become_latest_and_old_versions_stay_readable()
    {
        var name = SecretClients.UniqueName("net-versions");
        var versions = new List<string>();
        for (var i = 0; i < 3; i++)
            versions.Add((await _client.SetSecretAsync(name, $"value-{i}")).Value.Properties.Version);

        Assert.Equal("value-2", (await _client.GetSecretAsync(name)).Value.Value);
        Assert.Equal("value-0", (await _client.GetSecretAsync(name, versions[0])).Value.Value);
        var listed = new List<string>();
        await foreach (var p in _client.GetPropertiesOfSecretVersionsAsync(name))
        {
            Assert.Equal(name, p.Name);
            listed.Add(p.Version);
        }
        Assert.Equal(versions.Order(), listed.Order());
    }

    [Fact]
    public async Task Concurrent_sets_of_one_secret_all_succeed_as_separate_versions()
    {
        var name = SecretClients.UniqueName("net-concurrent");
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => _client.SetSecretAsync(name, $"writer-{i}")));
        var versions = results.Select(r => r.Value.Properties.Version).ToHashSet();
        Assert.Equal(8, versions.Count);
        var listed = new List<string>();
        await foreach (var p in _client.GetPropertiesOfSecretVersionsAsync(name)) listed.Add(p.Version);
        Assert.Equal(versions.Order(), listed.Order());
        var latest = (await _client.GetSecretAsync(name)).Value;
        Assert.Contains(latest.Properties.Version, versions);
        Assert.Equal(results.Single(r => r.Value.Properties.Version == latest.Properties.Version).Value.Value, latest.Value);
    }

    [Fact]
    public async Task List_follows_nextLink_and_never_carries_values()
    {
        var prefix = SecretClients.UniqueName("net-list");
        var names = Enumerable.Range(0, 30).Select(i => $"{prefix}-{i}").ToList();
        foreach (var chunk in names.Chunk(6))
            await Task.WhenAll(chunk.Select(n => _client.SetSecretAsync(n, "listed")));

        var seen = new HashSet<string>();
        var pages = 0;
        await foreach (var page in _client.GetPropertiesOfSecretsAsync().AsPages())
        {
            pages++;
            Assert.True(page.Values.Count <= 25, $"a page of {page.Values.Count} items exceeds 25");
            Assert.DoesNotContain("\"value\":\"listed\"", page.GetRawResponse().Content.ToString());
            foreach (var p in page.Values) seen.Add(p.Name);
        }
        Assert.True(pages >= 2, $"expected at least 2 pages, got {pages}");
        Assert.All(names, n => Assert.Contains(n, seen));
    }

    [Fact]
    public async Task Update_changes_content_type_tags_and_attributes_but_not_the_value()
    {
        var name = SecretClients.UniqueName("net-update");
        var set = (await _client.SetSecretAsync(name, "unchanged")).Value;
        var properties = set.Properties;
        properties.ContentType = "application/json";
        properties.Tags["env"] = "prod";
        properties.ExpiresOn = DateTimeOffset.UtcNow.AddDays(30);
        SecretProperties updated = await _client.UpdateSecretPropertiesAsync(properties);
        Assert.Equal("application/json", updated.ContentType);
        Assert.Equal("prod", updated.Tags["env"]);
        Assert.NotNull(updated.ExpiresOn);

        var read = (await _client.GetSecretAsync(name)).Value;
        Assert.Equal("unchanged", read.Value);
        Assert.Equal("application/json", read.Properties.ContentType);
        Assert.Equal(set.Properties.Version, read.Properties.Version);
    }

    [Fact]
    public async Task A_disabled_secret_is_listed_but_get_is_403_SecretDisabled_until_reenabled()
    {
        var name = SecretClients.UniqueName("net-disabled");
        var secret = new KeyVaultSecret(name, "hidden") { Properties = { Enabled = false } };
        var set = (await _client.SetSecretAsync(secret)).Value;
        Assert.False(set.Properties.Enabled);

        var e = await Assert.ThrowsAsync<RequestFailedException>(() => _client.GetSecretAsync(name));
        Assert.Equal(403, e.Status);
        Assert.Equal("Forbidden", e.ErrorCode);
        var body = e.GetRawResponse()!.Content.ToString();
        Assert.Contains("Operation get is not allowed on a disabled secret.", body);
        Assert.Contains("SecretDisabled", body);
        Assert.DoesNotContain("hidden", body);
        await Assert.ThrowsAsync<RequestFailedException>(() => _client.GetSecretAsync(name, set.Properties.Version));

        var listed = new List<SecretProperties>();
        await foreach (var p in _client.GetPropertiesOfSecretVersionsAsync(name)) listed.Add(p);
        Assert.False(Assert.Single(listed).Enabled);

        set.Properties.Enabled = true;
        await _client.UpdateSecretPropertiesAsync(set.Properties);
        Assert.Equal("hidden", (await _client.GetSecretAsync(name)).Value.Value);
    }

    [Fact]
    public async Task Expired_and_not_yet_valid_secrets_are_still_returned_as_Key_Vault_does()
    {
        var expired = new KeyVaultSecret(SecretClients.UniqueName("net-expired"), "old")
        {
            Properties = { ExpiresOn = DateTimeOffset.UtcNow.AddDays(-1) },
        };
        var future = new KeyVaultSecret(SecretClients.UniqueName("net-future"), "new")
        {
            Properties = { NotBefore = DateTimeOffset.UtcNow.AddDays(1) },
        };
        await _client.SetSecretAsync(expired);
        await _client.SetSecretAsync(future);

        var readExpired = (await _client.GetSecretAsync(expired.Name)).Value;
        Assert.Equal("old", readExpired.Value);
        Assert.True(readExpired.Properties.ExpiresOn < DateTimeOffset.UtcNow);
        var readFuture = (await _client.GetSecretAsync(future.Name)).Value;
        Assert.Equal("new", readFuture.Value);
        Assert.True(readFuture.Properties.NotBefore > DateTimeOffset.UtcNow);
    }

    [Theory]
    [InlineData("pässwörd – ünïcödé")]
    [InlineData("🔑 秘密 مفتاح \u0001 \"quoted\" \\ back\\slash\n")]
    [InlineData("")]
    public async Task Unicode_and_empty_values_round_trip(string value)
    {
        var name = SecretClients.UniqueName("net-unicode");
        await _client.SetSecretAsync(name, value);
        Assert.Equal(value, (await _client.GetSecretAsync(name)).Value.Value);
    }

    [Fact]
    public async Task A_25_KB_value_is_accepted_and_one_byte_more_is_400()
    {
        var name = SecretClients.UniqueName("net-25kb");
        var ascii = new string('x', 25 * 1024);
        await _client.SetSecretAsync(name, ascii);
        Assert.Equal(ascii, (await _client.GetSecretAsync(name)).Value.Value);

        var fourByteChars = string.Concat(Enumerable.Repeat("🔑", 25 * 1024 / 4));
        Assert.Equal(25 * 1024, Encoding.UTF8.GetByteCount(fourByteChars));
        await _client.SetSecretAsync(name, fourByteChars);
        Assert.Equal(fourByteChars, (await _client.GetSecretAsync(name)).Value.Value);

        foreach (var tooLarge in new[] { ascii + "x", fourByteChars + "x" })
        {
            var e = await Assert.ThrowsAsync<RequestFailedException>(() => _client.SetSecretAsync(name, tooLarge));
            Assert.Equal(400, e.Status);
            Assert.Equal("BadParameter", e.ErrorCode);
            Assert.Contains("25600 bytes", e.Message);
        }
        Assert.Equal(fourByteChars, (await _client.GetSecretAsync(name)).Value.Value);
    }

    [Theory]
    [InlineData("application/x-pkcs12")]
    [InlineData("text/plain; charset=utf-8")]
    [InlineData("application/vnd.example+json; version=2")]
    public async Task Content_types_round_trip(string contentType)
    {
        var name = SecretClients.UniqueName("net-ctype");
        await _client.SetSecretAsync(new KeyVaultSecret(name, "v") { Properties = { ContentType = contentType } });
        Assert.Equal(contentType, (await _client.GetSecretAsync(name)).Value.Properties.ContentType);
        var listed = new List<SecretProperties>();
        await foreach (var p in _client.GetPropertiesOfSecretVersionsAsync(name)) listed.Add(p);
        Assert.Equal(contentType, Assert.Single(listed).ContentType);
    }

    [Fact]
    public async Task Limits_on_content_type_and_tags_are_400_BadParameter()
    {
        var name = SecretClients.UniqueName("net-limits");
        await _client.SetSecretAsync(new KeyVaultSecret(name, "v") { Properties = { ContentType = new string('c', 255) } });
        var longType = new KeyVaultSecret(name, "v") { Properties = { ContentType = new string('c', 256) } };
        Assert.Equal(400, (await Assert.ThrowsAsync<RequestFailedException>(() => _client.SetSecretAsync(longType))).Status);

        var fifteen = new KeyVaultSecret(name, "v");
        for (var i = 0; i < 15; i++) fifteen.Properties.Tags[$"t{i}"] = "x";
        await _client.SetSecretAsync(fifteen);
        var sixteen = new KeyVaultSecret(name, "v");
        for (var i = 0; i < 16; i++) sixteen.Properties.Tags[$"t{i}"] = "x";
        var e = await Assert.ThrowsAsync<RequestFailedException>(() => _client.SetSecretAsync(sixteen));
        Assert.Equal(400, e.Status);
        Assert.Contains("at most 15 tags", e.Message);
    }

    [Fact]
    public async Task Unknown_secret_or_version_is_404_SecretNotFound()
    {
        var name = SecretClients.UniqueName("net-missing");
        var e = await Assert.ThrowsAsync<RequestFailedException>(() => _client.GetSecretAsync(name));
        Assert.Equal(404, e.Status);
        Assert.Equal("SecretNotFound", e.ErrorCode);
        await _client.SetSecretAsync(name, "v");
        e = await Assert.ThrowsAsync<RequestFailedException>(() => _client.GetSecretAsync(name, "0123456789abcdef0123456789abcdef"));
        Assert.Equal("SecretNotFound", e.ErrorCode);
    }

    [Fact]
    public async Task A_caller_without_a_policy_gets_403_AccessDenied_naming_the_permission()
    {
        var name = SecretClients.UniqueName("net-denied");
        await _client.SetSecretAsync(name, "not for you");
        var outsider = SecretClients.NoAccess();
        var get = await Assert.ThrowsAsync<RequestFailedException>(() => outsider.GetSecretAsync(name));
        Assert.Equal(403, get.Status);
        Assert.Contains("secrets get permission", get.Message);
        Assert.DoesNotContain("not for you", get.GetRawResponse()!.Content.ToString());
        var set = await Assert.ThrowsAsync<RequestFailedException>(() => outsider.SetSecretAsync(name, "x"));
        Assert.Contains("secrets set permission", set.Message);
        var list = await Assert.ThrowsAsync<RequestFailedException>(async () =>
        {
            await foreach (var _ in outsider.GetPropertiesOfSecretsAsync()) { }
        });
        Assert.Contains("secrets list permission", list.Message);
    }
}
