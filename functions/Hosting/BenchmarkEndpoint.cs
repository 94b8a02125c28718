using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;

namespace HsmVault.Hosting;

/// <summary>
/// The benchmark's "stack limit": a route that does nothing (no authentication, no policy, no storage, no audit), so
/// <c>tests/Benchmarks/run.sh</c> can measure the ceiling of TLS + Kestrel + routing on the machine. Mapped only by the
/// standalone host and only when <c>HsmVault:Benchmark:NoopEndpoint</c> is true; the Functions host never serves it.
/// </summary>
public static class BenchmarkEndpoint
{
    public const string Setting = "HsmVault:Benchmark:NoopEndpoint";
    public const string Path = "/benchmark/noop";

    public static void MapBenchmarkEndpointIfEnabled(this IEndpointRouteBuilder app, IConfiguration config)
    {
        if (!config.GetValue(Setting, false)) return;
        app.MapGet(Path, static context =>
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentLength = 0;
            return Task.CompletedTask;
        });
    }
}
