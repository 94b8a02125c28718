namespace HsmVault.Storage;

/// <summary>
/// The standalone host's data folder holds private keys (TLS, development identity provider): it is created owner-only
/// (0700) and its key files 0600, and both are checked when loaded, so a folder or file others can read is an error
/// with the fix in its message rather than a key quietly exposed.
/// </summary>
public static class PrivateFolder
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Creates the folder 0700 if it is missing, then demands that only its owner can use it.</summary>
    public static string Ensure(string directory)
    {
        var full = Path.GetFullPath(directory);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(full);
            return full;
        }
        if (!Directory.Exists(full))
        {
            var parent = Path.GetDirectoryName(full);
            if (!string.IsNullOrEmpty(parent)) Directory.CreateDirectory(parent);
            Directory.CreateDirectory(full, OwnerOnlyFolder);
        }
        var mode = File.GetUnixFileMode(full);
        if ((mode & GroupOrOther) != 0)
            throw new InvalidOperationException(
                $"The HsmVault data folder {full} has mode {Octal(mode)}: it holds private keys and must be owner-only (0700). " +
                $"Fix it with: chmod 700 '{full}'");
        return full;
    }

    /// <summary>Demands that a private file is readable by its owner only (0600 or stricter).</summary>
    public static void DemandPrivate(string file)
    {
        if (OperatingSystem.IsWindows()) return;
        var mode = File.GetUnixFileMode(file);
        if ((mode & GroupOrOther) != 0)
            throw new InvalidOperationException(
                $"The HsmVault key file {file} has mode {Octal(mode)}: it must be readable by its owner only (0600). " +
                $"Fix it with: chmod 600 '{file}'");
    }

    /// <summary>Writes a file that is 0600 from its creation (never briefly readable by others).</summary>
    public static void WritePrivate(string path, ReadOnlySpan<byte> bytes)
    {
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnlyFile;
        try
        {
            using (var stream = new FileStream(temp, options)) stream.Write(bytes);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0x1FF, 8);
}
