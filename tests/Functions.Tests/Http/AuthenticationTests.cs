namespace HsmVault.Tests.Http;

[Collection(HostCollection.Name)]
public sealed class AuthenticationTests(HostFixture host)
{
    private string Challenge => $"Bearer authorization=\"{host.Authority.ToString().TrimEnd('/')}/{host.Tenant}\", resource=\"{HsmVault.Identity.AuthOptions.DefaultAudience}\"";

    [Fact]
    public async Task No_token_is_401_with_the_sdk_challenge()
    {
        var r = await host.SendAsync(HttpMethod.Get, "keys");
        r.AssertError(401, "Unauthorized");
        Assert.Equal(Challenge, r.Header("WWW-Authenticate"));
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJvaWQiOiJ4In0.")]
    public async Task Bad_token_is_401_with_the_sdk_challenge(string token)
    {
        var r = await host.SendAsync(HttpMethod.Post, "keys/anything/create", new { kty = "RSA" }, token);
        r.AssertError(401, "Unauthorized");
        Assert.Equal(Challenge, r.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task Tampered_token_is_401()
    {
        var token = await host.AdminTokenAsync();
        var parts = token.Split('.');
        var tampered = $"{parts[0]}.{parts[1]}.{(parts[2][0] == 'A' ? 'B' : 'A')}{parts[2][1..]}";
        (await host.SendAsync(HttpMethod.Get, "keys", token: tampered)).AssertError(401, "Unauthorized");
    }

    [Theory]
    [InlineData("GET", "keys", "list")]
    [InlineData("POST", "keys/noaccess/create", "create")]
    [InlineData("GET", "keys/noaccess", "get")]
    public async Task No_access_principal_is_403_AccessDenied_naming_the_permission(string method, string path, string permission)
    {
        var r = await host.SendAsync(new HttpMethod(method), path, method == "POST" ? new { kty = "RSA" } : null, await host.NoAccessTokenAsync());
        var error = r.AssertError(403, "Forbidden", "AccessDenied");
        Assert.Contains($"keys {permission} permission", error.GetProperty("message").GetString());
        Assert.Null(r.Header("WWW-Authenticate"));
    }

    [Fact]
    public async Task No_access_principal_cannot_sign_with_an_existing_key()
    {
        var (name, version, _) = await host.CreateKeyAsync("noaccess-sign");
        var r = await host.SendAsync(HttpMethod.Post, $"keys/{name}/{version}/sign",
            new { alg = "RS256", value = new string('A', 43) }, await host.NoAccessTokenAsync());
        r.AssertError(403, "Forbidden", "AccessDenied");
    }

    [Fact]
    public async Task Client_request_id_is_echoed_and_a_request_id_is_set()
    {
        var id = Guid.NewGuid().ToString();
        var r = await host.AdminAsync(HttpMethod.Get, "keys", clientRequestId: id);
        r.AssertStatus(200);
        Assert.Equal(id, r.Header("x-ms-client-request-id"));
        Assert.Equal(id, r.Header("x-ms-request-id"));

        var anonymous = await host.SendAsync(HttpMethod.Get, "keys");
        Assert.Null(anonymous.Header("x-ms-client-request-id"));
        Assert.True(Guid.TryParse(anonymous.Header("x-ms-request-id"), out _), anonymous.Header("x-ms-request-id"));
    }
}
