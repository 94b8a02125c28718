using Microsoft.Extensions.Options;

namespace HsmVault.Identity;

/// <summary>Startup validation of <see cref="AuthOptions"/>, with messages that name the setting to fix.</summary>
public sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var errors = GetErrors(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static IReadOnlyList<string> GetErrors(AuthOptions options)
    {
        const string p = AuthOptions.SectionName;
        var errors = new List<string>();

        if (string.IsNullOrWhiteSpace(options.TenantId))
            errors.Add($"{p}:TenantId is required (the directory id that callers' tokens carry in 'tid').");
        else if (!Guid.TryParse(options.TenantId, out _))
            errors.Add($"{p}:TenantId must be a tenant id (GUID), not a domain name; got '{options.TenantId}'.");

        if (string.IsNullOrWhiteSpace(options.Authority))
        {
            errors.Add(options.UsesDevelopmentIdentityProvider
                ? $"{p}:Authority is empty: the standalone host must set it to its own https base URL before the validator is created."
                : $"{p}:Authority is empty; the development identity provider is only available in standalone mode. " +
                  "Set it to the identity provider's base URL, e.g. https://login.microsoftonline.com.");
        }
        else if (!Uri.TryCreate(options.Authority.Trim(), UriKind.Absolute, out var authority))
            errors.Add($"{p}:Authority must be an absolute URL; got '{options.Authority}'.");
        else if (authority.Scheme != Uri.UriSchemeHttps)
            errors.Add($"{p}:Authority must use https; got '{options.Authority}'.");
        else if (!string.IsNullOrEmpty(authority.Query) || !string.IsNullOrEmpty(authority.Fragment))
            errors.Add($"{p}:Authority must not have a query or fragment; got '{options.Authority}'.");

        if (string.IsNullOrWhiteSpace(options.Audience))
            errors.Add($"{p}:Audience is required (default {AuthOptions.DefaultAudience}).");

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(30))
            errors.Add($"{p}:ClockSkew must be between 00:00:00 and 00:30:00; got {options.ClockSkew}.");

        if (options.MaxTokenBytes < 1024 || options.MaxTokenBytes > 1024 * 1024)
            errors.Add($"{p}:MaxTokenBytes must be between 1024 and 1048576; got {options.MaxTokenBytes}.");

        return errors;
    }
}
