using System.Collections;
using System.Management.Automation;
using System.Text.Json.Nodes;
using HsmVault.PowerShell.Completion;
using HsmVault.PowerShell.Http;
using HsmVault.PowerShell.Models;

namespace HsmVault.PowerShell.Cmdlets;

/// <summary>Cmdlets on a vault's keys or secrets: the vault comes by name or from a piped object's VaultName.</summary>
public abstract class VaultDataCmdlet : HsmVaultCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(VaultNameCompleter))]
    public string VaultName { get; set; } = null!;

    /// <summary>The items of a list whose names match a pattern (all without one), e.g. "keys" or "deletedsecrets".</summary>
    protected void WriteMatching<T>(string listPath, string? pattern, Func<JsonNode, T> toObject) where T : PSHsmVaultObjectItem
    {
        var wildcard = new WildcardPattern(pattern ?? "*", WildcardOptions.IgnoreCase);
        foreach (var item in DataPages(VaultName, listPath).Select(toObject))
            if (wildcard.IsMatch(item.Name)) WriteObject(item);
    }

    /// <summary>One object by path; a 404 outputs nothing (as Az's Get- cmdlets do for a name that does not exist).</summary>
    protected JsonNode? GetOrNothing(string path)
    {
        try
        {
            return Data(VaultName, HttpMethod.Get, path);
        }
        catch (VaultServiceException e) when (IsNotFound(e))
        {
            WriteVerbose($"{path.Split('/')[0]}: '{path.Split('/').ElementAtOrDefault(1)}' not found in vault '{VaultName}'.");
            return null;
        }
    }

    protected static bool IsPattern(string? name) => name is null || WildcardPattern.ContainsWildcardCharacters(name);
}

/// <summary>Cmdlets that write a key's or secret's dates and tags (the "attributes" and "tags" of Key Vault bodies).</summary>
public abstract class VaultObjectWriteCmdlet : VaultDataCmdlet
{
    [Parameter]
    public DateTime? Expires { get; set; }

    [Parameter]
    public DateTime? NotBefore { get; set; }

    /// <summary>Replaces the tags (an empty hashtable removes them all).</summary>
    [Parameter]
    public Hashtable? Tag { get; set; }

    protected JsonObject AttributesBody(bool? enabled)
    {
        var body = new JsonObject { ["attributes"] = Wire.Attributes(enabled, NotBefore, Expires) };
        if (Tag is not null) body["tags"] = Wire.TagsJson(Tag);
        return body;
    }
}

/// <summary>Update-HsmVaultKey and Update-HsmVaultSecret: one version (the current one by default), enabled or not, -PassThru.</summary>
public abstract class VaultObjectUpdateCmdlet : VaultObjectWriteCmdlet
{
    /// <summary>The version to change; the current one when not given.</summary>
    [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
    public string? Version { get; set; }

    [Parameter]
    public bool? Enable { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>"{collection}/{name}[/{version}]", escaped.</summary>
    protected string ObjectPath(string collection, string name) =>
        $"{collection}/{Uri.EscapeDataString(name)}" + (string.IsNullOrEmpty(Version) ? "" : $"/{Uri.EscapeDataString(Version)}");

    protected string Target(string name) => $"{VaultName}/{name}" + (string.IsNullOrEmpty(Version) ? "" : $"/{Version}");
}
