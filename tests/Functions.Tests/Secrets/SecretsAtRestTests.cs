using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Azure.Security.KeyVault.Secrets;

namespace HsmVault.Tests.Secrets;

/// <summary>What Table storage holds for a secret: ciphertext bound to its vault, name and version; never the plaintext.</summary>
public sealed class SecretsAtRestTests
{
    private const int Window = 16;
    private readonly SecretClient _client = SecretClients.Admin();

    [Fact]
    public async Task No_table_holds_the_plaintext_any_16_byte_piece_of_it_or_its_base64()
    {
        var name = SecretClients.UniqueName("net-at-rest");
        // Random printable text, so every 16-byte window is distinctive; 25 KB, the largest value there is.
        var plaintext = Convert.ToBase64String(RandomNumberGenerator.GetBytes(25 * 1024))[..(25 * 1024)];
        var set = (await _client.SetSecretAsync(name, plaintext)).Value;
        await _client.UpdateSecretPropertiesAsync(set.Properties); // an update rewrites the rows too

        var windows = ForbiddenWindows(plaintext);
        var stored = await StoredRows.EverythingStoredAsync();
        var row = await StoredRows.SecretRowAsync(StoredRows.VersionRowKey(name, set.Properties.Version));
        Assert.Equal(25 * 1024, row.GetBinary("Ciphertext").Length);
        Assert.Equal(12, row.GetBinary("Iv").Length);
        Assert.Equal(16, row.GetBinary("Tag").Length);
        Assert.Equal(1, row.GetInt32("Format"));
        Assert.Matches("^[0-9a-fA-F]+$", row.GetString("EncryptionKeyId"));

        foreach (var (where, bytes) in stored)
            for (var i = 0; i + Window <= bytes.Length; i++)
                Assert.False(windows.Contains(BinaryPrimitives.ReadUInt128LittleEndian(bytes.AsSpan(i))), $"{where} holds a 16-byte piece of the plaintext (or of its base64) at offset {i}");
    }

    [Fact]
    public async Task A_ciphertext_copied_onto_another_secret_is_refused_409_SecretIntegrityFailure()
    {
        var donor = (await _client.SetSecretAsync(SecretClients.UniqueName("net-donor"), "the donor's value")).Value;
        var victim = (await _client.SetSecretAsync(SecretClients.UniqueName("net-victim"), "the victim's value")).Value;
        var sealedDonor = await StoredRows.SecretRowAsync(StoredRows.VersionRowKey(donor.Name, donor.Properties.Version));

        await OverwriteSealedValueAsync(StoredRows.VersionRowKey(victim.Name, victim.Properties.Version), sealedDonor);
        await OverwriteSealedValueAsync(StoredRows.CurrentRowKey(victim.Name), sealedDonor);

        foreach (var read in new Func<Task>[] { () => _client.GetSecretAsync(victim.Name), () => _client.GetSecretAsync(victim.Name, victim.Properties.Version) })
        {
            var e = await Assert.ThrowsAsync<RequestFailedException>(read);
            Assert.Equal(409, e.Status);
            var body = e.GetRawResponse()!.Content.ToString();
            Assert.Contains("SecretIntegrityFailure", body);
            Assert.DoesNotContain("value\":", body);
        }
        Assert.Equal("the donor's value", (await _client.GetSecretAsync(donor.Name)).Value.Value);

        // Setting a new version is the way out.
        await _client.SetSecretAsync(victim.Name, "a fresh value");
        Assert.Equal("a fresh value", (await _client.GetSecretAsync(victim.Name)).Value.Value);
    }

    [Fact]
    public async Task A_ciphertext_copied_onto_another_version_of_the_same_secret_is_refused()
    {
        var name = SecretClients.UniqueName("net-rollback");
        var first = (await _client.SetSecretAsync(name, "version one")).Value;
        var second = (await _client.SetSecretAsync(name, "version two")).Value;
        var sealedFirst = await StoredRows.SecretRowAsync(StoredRows.VersionRowKey(name, first.Properties.Version));

        await OverwriteSealedValueAsync(StoredRows.VersionRowKey(name, second.Properties.Version), sealedFirst);

        var e = await Assert.ThrowsAsync<RequestFailedException>(() => _client.GetSecretAsync(name, second.Properties.Version));
        Assert.Equal(409, e.Status);
        Assert.Equal("version one", (await _client.GetSecretAsync(name, first.Properties.Version)).Value.Value);
    }

    [Fact]
    public async Task A_flipped_ciphertext_bit_is_refused()
    {
        var set = (await _client.SetSecretAsync(SecretClients.UniqueName("net-bitflip"), "integrity matters")).Value;
        var rowKey = StoredRows.VersionRowKey(set.Name, set.Properties.Version);
        var row = await StoredRows.SecretRowAsync(rowKey);
        var ciphertext = row.GetBinary("Ciphertext");
        ciphertext[0] ^= 1;
        await StoredRows.Secrets.UpdateEntityAsync(new TableEntity(StoredRows.Vault, rowKey) { ["Ciphertext"] = ciphertext }, ETag.All, TableUpdateMode.Merge);

        var e = await Assert.ThrowsAsync<RequestFailedException>(() => _client.GetSecretAsync(set.Name, set.Properties.Version));
        Assert.Equal(409, e.Status);
    }

    private static Task OverwriteSealedValueAsync(string rowKey, TableEntity from) =>
        StoredRows.Secrets.UpdateEntityAsync(new TableEntity(StoredRows.Vault, rowKey)
        {
            ["Ciphertext"] = from.GetBinary("Ciphertext"), ["Iv"] = from.GetBinary("Iv"), ["Tag"] = from.GetBinary("Tag"),
            ["EncryptionKeyId"] = from.GetString("EncryptionKeyId"),
        }, ETag.All, TableUpdateMode.Merge);

    /// <summary>Every 16-byte window (as a 128-bit number) of the plaintext's UTF-8 and of its base64/base64url encodings at all 3 alignments.</summary>
    private static HashSet<UInt128> ForbiddenWindows(string plaintext)
    {
        var utf8 = Encoding.UTF8.GetBytes(plaintext);
        var encodings = new List<byte[]> { utf8 };
        for (var shift = 0; shift < 3; shift++)
        {
            var b64 = Convert.ToBase64String(utf8, shift, utf8.Length - shift);
            encodings.Add(Encoding.ASCII.GetBytes(b64));
            encodings.Add(Encoding.ASCII.GetBytes(b64.TrimEnd('=').Replace('+', '-').Replace('/', '_')));
        }
        var windows = new HashSet<UInt128>();
        foreach (var bytes in encodings)
            for (var i = 0; i + Window <= bytes.Length; i++)
                windows.Add(BinaryPrimitives.ReadUInt128LittleEndian(bytes.AsSpan(i)));
        return windows;
    }
}
