using System.Reflection;
using System.Text.Json;
using HsmVault.Hosting;
using HsmVault.Keys.Endpoints;
using Microsoft.Azure.Functions.Worker;

namespace HsmVault.Tests.Unit;

public sealed class FunctionRoutesTests
{
    private static readonly Assembly Functions = typeof(KeyFunctions).Assembly;
    private static readonly IReadOnlyList<FunctionRoute> Routes = FunctionRoutes.Discover(Functions);

    [Fact]
    public void Every_http_triggered_function_is_discovered()
    {
        // Independent scan: every method with [Function] and a parameter with [HttpTrigger], public or not.
        var expected = Functions.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static))
            .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null
                        && m.GetParameters().Any(p => p.GetCustomAttribute<HttpTriggerAttribute>() is not null))
            .Select(m => m.GetCustomAttribute<FunctionAttribute>()!.Name)
            .Order().ToList();

        Assert.NotEmpty(expected);
        Assert.Equal(expected, Routes.Select(r => r.Name).Order().ToList());
        Assert.Equal(Routes.Count, Routes.Select(r => r.Name).Distinct().Count());
    }

    [Fact]
    public void No_two_functions_share_a_method_and_template()
    {
        var pairs = Routes.SelectMany(r => r.Methods.Select(m => (Method: m, r.Template))).ToList();
        var duplicates = pairs.GroupBy(p => p).Where(g => g.Count() > 1).Select(g => $"{g.Key.Method} {g.Key.Template}").ToList();
        Assert.Empty(duplicates);
    }

    [Fact]
    public void Templates_have_no_leading_slash_and_methods_are_upper_case()
    {
        Assert.All(Routes, r =>
        {
            Assert.False(r.Template.StartsWith('/'), r.Template);
            Assert.NotEmpty(r.Methods);
            Assert.All(r.Methods, m => Assert.Equal(m.ToUpperInvariant(), m));
        });
    }

    [Theory]
    [InlineData("POST", "keys/{name}/create")]
    [InlineData("PUT", "keys/{name}")]
    [InlineData("GET", "keys/{name}/{version?}")]
    [InlineData("PATCH", "keys/{name}/{version?}")]
    [InlineData("GET", "keys")]
    [InlineData("GET", "keys/{name}/versions")]
    [InlineData("POST", "keys/{name}/{version}/sign")]
    [InlineData("POST", "keys/{name}/{version}/verify")]
    [InlineData("POST", "keys/{name}/{version}/encrypt")]
    [InlineData("POST", "keys/{name}/{version}/decrypt")]
    [InlineData("POST", "keys/{name}/{version}/wrapkey")]
    [InlineData("POST", "keys/{name}/{version}/unwrapkey")]
    [InlineData("POST", "rng")]
    public void Key_vault_route_exists(string method, string template)
    {
        Assert.Contains(Routes, r => r.Template == template && r.Methods.Contains(method));
    }

    [Fact]
    public void Build_output_has_functions_metadata_for_the_same_functions()
    {
        var dir = Path.GetDirectoryName(Functions.Location)!;
        var path = Path.Combine(dir, "functions.metadata");
        Assert.True(File.Exists(path), $"functions.metadata not found next to {Functions.Location}");

        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var fromMetadata = new Dictionary<string, (string Route, string[] Methods)>();
        foreach (var f in doc.RootElement.EnumerateArray())
        {
            var trigger = f.GetProperty("bindings").EnumerateArray().FirstOrDefault(b => b.GetProperty("type").GetString() == "httpTrigger");
            if (trigger.ValueKind == JsonValueKind.Undefined) continue;
            fromMetadata[f.GetProperty("name").GetString()!] = (
                trigger.GetProperty("route").GetString()!,
                trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()).Order().ToArray());
        }

        Assert.Equal(Routes.Select(r => r.Name).Order(), fromMetadata.Keys.Order());
        foreach (var r in Routes)
        {
            Assert.Equal(r.Template, fromMetadata[r.Name].Route);
            Assert.Equal(r.Methods.Order(), fromMetadata[r.Name].Methods);
        }
    }
}
