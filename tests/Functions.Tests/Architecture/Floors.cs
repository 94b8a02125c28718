namespace HsmVault.Tests.Architecture;

/// <summary>
/// The one-way floors of functions/, top to bottom. A namespace may use its own floor and the floors below, never one above.
/// Endpoint classes (<c>[Function]</c> classes and minimal-API maps) live in <c>&lt;Feature&gt;/Endpoints/</c>: that
/// namespace is the Endpoints floor, so it may use Http and every feature while the feature itself may not use Http.
/// </summary>
public static class Floors
{
    public const int Hosting = 0, Endpoints = 1, Http = 2, Features = 3, Objects = 4, Storage = 5, Hsm = 6;

    public static readonly string[] Names = ["Hosting", "Endpoints", "Http", "features", "Objects", "Storage/Resilience", "hsm-adapter"];

    /// <summary>The floor of one of our namespaces, or null for anything else (BCL, packages).</summary>
    public static int? Of(string ns)
    {
        if (ns == "HsmVault.Hsm" || ns.StartsWith("HsmVault.Hsm.", StringComparison.Ordinal)) return Hsm;
        if (ns == "HsmVault" || Under(ns, "HsmVault.Hosting")) return Hosting; // and generated start-up code
        if (!ns.StartsWith("HsmVault.", StringComparison.Ordinal)) return null;
        if (ns.EndsWith(".Endpoints", StringComparison.Ordinal) || ns.Contains(".Endpoints.", StringComparison.Ordinal)) return Endpoints;
        if (Under(ns, "HsmVault.Http")) return Http;
        if (Under(ns, "HsmVault.Objects")) return Objects;
        if (Under(ns, "HsmVault.Storage") || Under(ns, "HsmVault.Resilience")) return Storage;
        return Features; // Keys, Secrets, Vaults, Access, Audit, Management, Identity, Throttling, and any new feature
    }

    /// <summary>The first segment below HsmVault (e.g. "Keys" for HsmVault.Keys.Endpoints).</summary>
    public static string Area(string ns) => ns.StartsWith("HsmVault.", StringComparison.Ordinal) ? ns["HsmVault.".Length..].Split('.')[0] : ns;

    /// <summary>Why <paramref name="from"/> may not use <paramref name="to"/>, or null if it may.</summary>
    public static string? Violation(string from, string to)
    {
        if (Of(from) is not { } source) return null;
        if (to.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal))
            return source > Http ? $"{Names[source]} must not use ASP.NET Core (only Hosting, Endpoints and Http may)" : null;
        if (Of(to) is not { } target) return null;
        if (target < source) return $"{Names[source]} must not use the higher floor {Names[target]}";
        if (source == Features && target == Features && IsKeysSecretsPair(Area(from), Area(to)))
            return "keys and secrets share code through Objects, never by using each other";
        return null;
    }

    private static bool IsKeysSecretsPair(string a, string b) => (a, b) is ("Keys", "Secrets") or ("Secrets", "Keys");

    private static bool Under(string ns, string root) => ns == root || ns.StartsWith(root + ".", StringComparison.Ordinal);
}
