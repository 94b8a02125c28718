using HsmVault.Access;
using HsmVault.Objects;
using HsmVault.Vaults;

namespace HsmVault.Hosting;

/// <summary>The rules for "HsmVault:Seed": a bad seed vault or policy stops start-up before anything is stored.</summary>
public static class SeedSettings
{
    public static IEnumerable<string> Problems(SeedOptions o)
    {
        for (var v = 0; v < o.Vaults.Count; v++)
        {
            var vault = o.Vaults[v];
            var at = $"{SeedOptions.Section}:Vaults:{v}";
            if (!VaultNames.IsValid(vault.Name))
                yield return $"{at}:Name must be a vault name (3-24 letters, digits and hyphens, starting with a letter); got '{vault.Name}'.";
            if (vault.TenantId is { Length: > 0 } tenant && !Guid.TryParse(tenant, out _))
                yield return $"{at}:TenantId must be a tenant id (GUID); got '{tenant}'.";
            for (var p = 0; p < vault.AccessPolicies.Count; p++)
            {
                var policy = vault.AccessPolicies[p];
                var pat = $"{at}:AccessPolicies:{p}";
                if (string.IsNullOrWhiteSpace(policy.ObjectId))
                    yield return $"{pat}:ObjectId is required: the principal (oid) the policy grants to.";
                if (Refusal(() => Permissions.Parse(policy.Keys, Permissions.Keys)) is { } keys)
                    yield return $"{pat}:Keys: {keys}";
                if (Refusal(() => Permissions.Parse(policy.Secrets, Permissions.Secrets)) is { } secrets)
                    yield return $"{pat}:Secrets: {secrets}";
                if (Refusal(() => KeyScope.Parse(policy.Key)) is { } scope)
                    yield return $"{pat}:Key: {scope}";
            }
        }
    }

    private static string? Refusal(Action parse)
    {
        try
        {
            parse();
            return null;
        }
        catch (Exception e) when (e is VaultException or ArgumentException)
        {
            return e.Message;
        }
    }
}
