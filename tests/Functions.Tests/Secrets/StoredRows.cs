using System.Text;
using Azure.Data.Tables;

namespace HsmVault.Tests.Secrets;

/// <summary>Direct access to the host's tables in Azurite (prefix e2e), as an attacker with storage access would have.</summary>
public static class StoredRows
{
    public const string Vault = "default";
    private static readonly TableServiceClient Service = new(TestHostEnvironment.Tables);

    public static TableClient Secrets => Service.GetTableClient(TestHostEnvironment.TablePrefix + "secrets");

    public static async Task<TableEntity> SecretRowAsync(string rowKey) =>
        (await Secrets.GetEntityAsync<TableEntity>(Vault, rowKey)).Value;

    public static string CurrentRowKey(string name) => "cur!" + name.ToLowerInvariant();
    public static string VersionRowKey(string name, string version) => $"ver!{name.ToLowerInvariant()}!{version}";

    /// <summary>Every property of every row of every table of this deployment, as bytes (strings as UTF-8).</summary>
    public static async Task<List<(string Where, byte[] Bytes)>> EverythingStoredAsync()
    {
        var all = new List<(string, byte[])>();
        await foreach (var table in Service.QueryAsync(t => t.Name.CompareTo(TestHostEnvironment.TablePrefix) >= 0))
        {
            if (!table.Name.StartsWith(TestHostEnvironment.TablePrefix, StringComparison.Ordinal)) continue;
            await foreach (var row in Service.GetTableClient(table.Name).QueryAsync<TableEntity>())
                foreach (var (key, value) in row)
                {
                    var where = $"{table.Name}/{row.PartitionKey}/{row.RowKey}/{key}";
                    switch (value)
                    {
                        case byte[] b: all.Add((where, b)); break;
                        case BinaryData d: all.Add((where, d.ToArray())); break;
                        case string s: all.Add((where, Encoding.UTF8.GetBytes(s))); break;
                    }
                }
        }
        return all;
    }
}
