using HsmVault.Hosting;
using Microsoft.Extensions.Configuration;

namespace HsmVault.Tests.Unit;

public sealed class LocalSettingsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hsmvault-localsettings-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private IConfiguration Load(string? json)
    {
        if (json is not null) File.WriteAllText(Path.Combine(_dir, "local.settings.json"), json);
        return new ConfigurationBuilder().AddLocalSettings(_dir).Build();
    }

    [Fact]
    public void Values_with_double_underscores_become_sections()
    {
        var config = Load("""
            {
              // comments and trailing commas are allowed, as in the Functions host
              "IsEncrypted": false,
              "Values": {
                "HsmVault__Storage__TablePrefix": "abc",
                "HsmVault__Seed__Vaults__0__Name": "default",
                "FUNCTIONS_WORKER_RUNTIME": "dotnet-isolated",
                "Number": 42,
                "Flag": true,
              },
            }
            """);
        Assert.Equal("abc", config["HsmVault:Storage:TablePrefix"]);
        Assert.Equal("default", config.GetSection("HsmVault:Seed:Vaults:0")["Name"]);
        Assert.Equal("dotnet-isolated", config["FUNCTIONS_WORKER_RUNTIME"]);
        Assert.Equal("42", config["Number"]);
        Assert.Equal("true", config["Flag"]);
        Assert.Null(config["HsmVault__Storage__TablePrefix"]);
        Assert.Null(config["IsEncrypted"]); // only Values are settings
    }

    [Fact]
    public void Missing_file_adds_nothing() => Assert.Empty(Load(null).AsEnumerable());

    [Fact]
    public void File_without_values_adds_nothing() => Assert.Empty(Load("""{ "Host": { "LocalHttpPort": 7071 } }""").AsEnumerable());

    [Fact]
    public void Later_sources_override_local_settings()
    {
        File.WriteAllText(Path.Combine(_dir, "local.settings.json"), """{ "Values": { "A__B": "file" } }""");
        var config = new ConfigurationBuilder().AddLocalSettings(_dir)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["A:B"] = "env" }).Build();
        Assert.Equal("env", config["A:B"]);
    }
}
