using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HsmVault.Hosting;

/// <summary>
/// Binds an options section and validates it when the host starts: a bad value stops start-up with one line per problem,
/// each naming the setting and what it must be (Program prints them; no stack trace).
/// </summary>
public static class Settings
{
    public static IServiceCollection AddValidatedOptions<T>(this IServiceCollection services, IConfiguration configuration, string section,
        Func<T, IEnumerable<string>> problems) where T : class
    {
        services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>>(new ProblemsValidator<T>(problems));
        return services;
    }

    /// <summary>Throws the same one-line error the host gives at start if <paramref name="options"/> has problems.</summary>
    public static T Require<T>(T options, Func<T, IEnumerable<string>> problems) where T : class
    {
        var found = problems(options).ToList();
        return found.Count == 0 ? options : throw new OptionsValidationException(typeof(T).Name, typeof(T), found);
    }

    private sealed class ProblemsValidator<T>(Func<T, IEnumerable<string>> problems) : IValidateOptions<T> where T : class
    {
        public ValidateOptionsResult Validate(string? name, T options)
        {
            var found = problems(options).ToList();
            return found.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found);
        }
    }
}
