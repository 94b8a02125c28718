namespace HsmVault.Storage;

/// <summary>A store's hot-path cache of recently read rows, which a vault purge empties for that vault.</summary>
public interface IRecentRows
{
    /// <summary>
    /// Drops every row of <paramref name="vault"/> read here: once a vault is purged, a new vault of its name must not be
    /// answered from the old vault's rows (their HSM objects are destroyed), not even for the rows' last second.
    /// </summary>
    void ForgetVault(string vault);
}
