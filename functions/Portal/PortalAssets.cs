using System.Collections.Frozen;

namespace HsmVault.Portal;

/// <summary>
/// The portal's built files (the app's output folder <c>portal/</c>), read once. Only these exact names are served, so a
/// request path can never reach another file.
/// </summary>
public sealed class PortalAssets
{
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".ico"] = "image/x-icon",
        [".json"] = "application/json; charset=utf-8",
        [".map"] = "application/json; charset=utf-8",
    };

    private readonly Lazy<FrozenDictionary<string, PortalAsset>> _files;

    public PortalAssets() : this(Path.Combine(AppContext.BaseDirectory, "portal")) { }

    public PortalAssets(string directory) => _files = new(() => Load(directory));

    public bool IsBuilt => _files.Value.ContainsKey("index.html");

    public PortalAsset? Find(string path) => _files.Value.GetValueOrDefault(path);

    private static FrozenDictionary<string, PortalAsset> Load(string directory)
    {
        if (!Directory.Exists(directory)) return FrozenDictionary<string, PortalAsset>.Empty;
        return Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => ContentTypes.ContainsKey(Path.GetExtension(f)))
            .ToFrozenDictionary(
                f => Path.GetRelativePath(directory, f).Replace('\\', '/'),
                f => new PortalAsset(File.ReadAllBytes(f), ContentTypes[Path.GetExtension(f)]),
                StringComparer.Ordinal);
    }
}

public sealed record PortalAsset(byte[] Content, string ContentType);
