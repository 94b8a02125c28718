using Microsoft.Extensions.Options;

namespace HsmVault.Identity;

public sealed class DevIdentityOptionsValidator : IValidateOptions<DevIdentityOptions>
{
    public ValidateOptionsResult Validate(string? name, DevIdentityOptions options)
    {
        const string p = DevIdentityOptions.SectionName;
        var errors = new List<string>();

        if (options.TokenLifetime < TimeSpan.FromMinutes(1) || options.TokenLifetime > TimeSpan.FromHours(24))
            errors.Add($"{p}:TokenLifetime must be between 00:01:00 and 24:00:00; got {options.TokenLifetime}.");

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Principals.Count; i++)
        {
            var principal = options.Principals[i];
            var at = $"{p}:Principals:{i}";
            if (string.IsNullOrWhiteSpace(principal.ClientId))
                errors.Add($"{at}:ClientId is required.");
            else if (!seen.Add(principal.ClientId))
                errors.Add($"{at}:ClientId '{principal.ClientId}' is used by more than one principal.");
            if (string.IsNullOrEmpty(principal.ClientSecret))
                errors.Add($"{at}:ClientSecret is required."); // never echo the value
            if (string.IsNullOrWhiteSpace(principal.ObjectId))
                errors.Add($"{at}:ObjectId is required.");
            if (principal.TenantId is { Length: > 0 } tenant && !Guid.TryParse(tenant, out _))
                errors.Add($"{at}:TenantId must be a GUID; got '{tenant}'.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
