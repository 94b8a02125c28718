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

        if (options.Audience is not null)
            errors.Add($"{p}:Audience was replaced by {p}:Audiences, a list (HsmVault__Auth__Audiences__0, __1, ...) whose first entry " +
                       "is the audience the 401 challenge names; move the value there.");
        AddAudienceErrors(options.EffectiveAudiences, errors);

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(30))
            errors.Add($"{p}:ClockSkew must be between 00:00:00 and 00:30:00; got {options.ClockSkew}.");

        if (options.MaxTokenBytes < 1024 || options.MaxTokenBytes > 1024 * 1024)
            errors.Add($"{p}:MaxTokenBytes must be between 1024 and 1048576; got {options.MaxTokenBytes}.");

        return errors;
    }

    private static void AddAudienceErrors(IReadOnlyList<string> audiences, List<string> errors)
    {
        const string p = AuthOptions.SectionName + ":Audiences";
        for (var i = 0; i < audiences.Count; i++)
        {
            var a = audiences[i];
            if (a.Length == 0 || a.Any(char.IsWhiteSpace))
                errors.Add($"{p}:{i} must be a non-empty value without spaces; got '{a}'.");
            else if (i == 0 && !IsAbsoluteResource(a))
                errors.Add($"{p}:0 is named in the 401 challenge and must be an absolute URI (the App ID URI, e.g. https://vault.contoso.com " +
                           $"or api://hsmvault); got '{a}'.");
        }
        var duplicates = audiences.GroupBy(a => a.TrimEnd('/'), StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
            errors.Add($"{p} lists '{string.Join("', '", duplicates)}' more than once.");
    }

    private static bool IsAbsoluteResource(string audience) =>
        Uri.TryCreate(audience, UriKind.Absolute, out var uri) && uri.Host.Length > 0 &&
        string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment);
}
