using System.Management.Automation;
using System.Net;
using System.Text.Json.Nodes;
using HsmVault.PowerShell.Connection;
using HsmVault.PowerShell.Http;

namespace HsmVault.PowerShell.Cmdlets;

/// <summary>
/// Shared by every cmdlet that calls the vault: the connection, synchronous calls on the pipeline thread (so -Verbose
/// can show each request's ids), vault errors turned into ErrorRecords, and -Force/-WhatIf/-Confirm handling.
/// </summary>
public abstract class HsmVaultCmdlet : PSCmdlet
{
    public const string DataApiVersion = "7.6";
    public const string ManagementApiVersion = "2024-11-01";
    private const int MaxPages = 1000;
    private readonly CancellationTokenSource _stopping = new();

    protected HsmVaultConnection Connection => HsmVaultConnection.Current ?? throw new PSInvalidOperationException(
        "Not connected. Run Connect-HsmVault first.");

    protected sealed override void ProcessRecord()
    {
        try
        {
            Process();
        }
        catch (VaultServiceException e)
        {
            WriteError(e.ToErrorRecord(ErrorTarget));
        }
        catch (HttpRequestException e)
        {
            WriteError(new ErrorRecord(new IOException($"The vault could not be reached: {e.Message}", e), "VaultUnreachable",
                ErrorCategory.ConnectionError, ErrorTarget));
        }
        catch (Azure.Identity.AuthenticationFailedException e)
        {
            WriteError(new ErrorRecord(new InvalidOperationException($"No token: {e.Message.Split('\n')[0]}"), "AuthenticationFailed",
                ErrorCategory.AuthenticationError, ErrorTarget));
        }
        catch (PSInvalidOperationException e)
        {
            ThrowTerminatingError(new ErrorRecord(e, "NotConnected", ErrorCategory.ConnectionError, null));
        }
    }

    protected override void StopProcessing() => _stopping.Cancel();

    /// <summary>The work for one pipeline input.</summary>
    protected abstract void Process();

    /// <summary>What an error record names as its target (the object's name by default).</summary>
    protected virtual object? ErrorTarget => null;

    protected JsonNode? Management(HttpMethod method, string path, JsonNode? body = null, string? query = null) =>
        Send(method, new Uri(Connection.ServiceUri, $"management/{path}?api-version={ManagementApiVersion}{query}"), body).Body;

    internal JsonNode? ManagementGet(string path) => Management(HttpMethod.Get, path);

    protected JsonNode? Data(string vaultName, HttpMethod method, string path, JsonNode? body = null) =>
        Send(method, new Uri(Connection.VaultUri(vaultName), $"{path}?api-version={DataApiVersion}"), body).Body;

    /// <summary>The items of a Key Vault list (every page).</summary>
    protected IEnumerable<JsonNode> DataPages(string vaultName, string path) =>
        Paging.Items(new Uri(Connection.VaultUri(vaultName), $"{path}?api-version={DataApiVersion}&maxresults=25"),
            uri => Send(HttpMethod.Get, uri, null).Body, MaxPages);

    /// <summary>One request; -Verbose shows the method, the URL without query and both request ids, never a body.</summary>
    protected VaultResponse Send(HttpMethod method, Uri uri, JsonNode? body)
    {
        var clientRequestId = Guid.NewGuid().ToString();
        var shown = uri.GetLeftPart(UriPartial.Path);
        WriteVerbose($"{method} {shown} x-ms-client-request-id: {clientRequestId}");
        try
        {
            var response = Connection.Client.SendAsync(method, uri, body, clientRequestId, _stopping.Token).GetAwaiter().GetResult();
            WriteVerbose($"{(int)response.Status} {response.Status} x-ms-client-request-id: {clientRequestId} x-ms-request-id: {response.RequestId ?? "-"}");
            return response;
        }
        catch (VaultServiceException e)
        {
            WriteVerbose($"{(int)e.Status} {e.Code} x-ms-client-request-id: {clientRequestId}");
            throw;
        }
    }

    /// <summary>True when a 404 of this kind should mean "nothing to output" (Get-… of a missing name, as Az does).</summary>
    protected static bool IsNotFound(VaultServiceException e) => e.Status == HttpStatusCode.NotFound;

    /// <summary>-WhatIf always reports and changes nothing; -Force skips the prompt; otherwise ShouldProcess decides.</summary>
    protected bool Confirm(string target, string action, bool force) =>
        MyInvocation.BoundParameters.ContainsKey("WhatIf") || !force ? ShouldProcess(target, action) : true;

    /// <summary>The file a cmdlet is about to write: <paramref name="path"/> resolved; an existing file only with -Force.</summary>
    protected string WritableFile(string path, bool force)
    {
        var file = GetUnresolvedProviderPathFromPSPath(path);
        if (File.Exists(file) && !force) throw new PSArgumentException($"'{file}' exists; give -Force to overwrite it.");
        return file;
    }
}
