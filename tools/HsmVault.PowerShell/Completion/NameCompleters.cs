using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Text.Json.Nodes;
using HsmVault.PowerShell.Connection;
using HsmVault.PowerShell.Http;
using HsmVault.PowerShell.Models;

namespace HsmVault.PowerShell.Completion;

/// <summary>Tab completion of names from the connected service; quiet (no completions) when not connected or not allowed.</summary>
public abstract class NameCompleter : IArgumentCompleter
{
    private const int MaxPages = 4;

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var connection = HsmVaultConnection.Current;
        if (connection is null) return [];
        var prefix = (wordToComplete ?? "").Trim('\'', '"');
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            return Names(connection, fakeBoundParameters, timeout.Token)
                .Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase)
                .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n)).ToList();
        }
        catch (Exception e) when (e is VaultServiceException or HttpRequestException or OperationCanceledException or Azure.Identity.AuthenticationFailedException)
        {
            return [];
        }
    }

    protected abstract IEnumerable<string> Names(HsmVaultConnection connection, IDictionary bound, CancellationToken cancellation);

    protected static IEnumerable<JsonNode> Items(HsmVaultConnection connection, Uri first, CancellationToken cancellation) =>
        Paging.Items(first, uri => connection.Client.SendAsync(HttpMethod.Get, uri, null, Guid.NewGuid().ToString(), cancellation)
            .GetAwaiter().GetResult().Body, MaxPages);

    protected static string? BoundVault(IDictionary bound) => bound["VaultName"]?.ToString();
}

public sealed class VaultNameCompleter : NameCompleter
{
    protected override IEnumerable<string> Names(HsmVaultConnection connection, IDictionary bound, CancellationToken cancellation) =>
        Items(connection, new Uri(connection.ServiceUri, $"management/vaults?api-version={Cmdlets.HsmVaultCmdlet.ManagementApiVersion}"), cancellation)
            .Select(v => v["name"]!.GetValue<string>());
}

public sealed class KeyNameCompleter : NameCompleter
{
    protected override IEnumerable<string> Names(HsmVaultConnection connection, IDictionary bound, CancellationToken cancellation) =>
        BoundVault(bound) is { } vault
            ? Items(connection, new Uri(connection.VaultUri(vault), $"keys?api-version={Cmdlets.HsmVaultCmdlet.DataApiVersion}&maxresults=25"), cancellation)
                .Select(k => Wire.NameAndVersion(k["kid"]!.GetValue<string>()).Name)
            : [];
}

public sealed class SecretNameCompleter : NameCompleter
{
    protected override IEnumerable<string> Names(HsmVaultConnection connection, IDictionary bound, CancellationToken cancellation) =>
        BoundVault(bound) is { } vault
            ? Items(connection, new Uri(connection.VaultUri(vault), $"secrets?api-version={Cmdlets.HsmVaultCmdlet.DataApiVersion}&maxresults=25"), cancellation)
                .Select(s => Wire.NameAndVersion(s["id"]!.GetValue<string>()).Name)
            : [];
}
