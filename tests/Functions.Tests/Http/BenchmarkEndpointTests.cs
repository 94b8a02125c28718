using System.Net;
using HsmVault.Hosting;
using HsmVault.Tests.InProcess;

namespace HsmVault.Tests.Http;

/// <summary>The benchmark's no-op route exists only when its setting is on, and then answers 200 with nothing, unauthenticated.</summary>
[Collection(HostCollection.Name)]
public sealed class BenchmarkEndpointTests(HostFixture host)
{
    [Fact]
    public async Task Without_the_setting_the_route_does_not_exist()
    {
        using var response = await host.Client.GetAsync(BenchmarkEndpoint.Path.TrimStart('/'));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task With_the_setting_it_answers_200_with_an_empty_body_without_a_token()
    {
        var data = Directory.CreateTempSubdirectory("hsmvault-noop-");
        try
        {
            var settings = HostSettings.Read(TestEnvironment.Require("HSMVAULT_TEST_HOST_SETTINGS"))
                .Append(new("HsmVault:Auth:Authority", host.Authority.ToString().TrimEnd('/')))
                .Append(new(BenchmarkEndpoint.Setting, "true"));
            await using var app = await InProcessApp.StartAsync(settings, Path.Combine(data.FullName, "data"));
            using var response = await app.Client.GetAsync(BenchmarkEndpoint.Path.TrimStart('/'));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }
}
