using Azure;
using Azure.Security.KeyVault.Secrets;
using HsmVault.Tests.Secrets;

namespace HsmVault.Tests.Lifecycle;

/// <summary>The official .NET SecretClient, unmodified: delete and recover operations (pollers), purge, backup and restore.</summary>
public sealed class SecretClientLifecycleTests
{
    private readonly SecretClient _client = SecretClients.Admin();
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    [Fact]
    public async Task StartDeleteSecret_then_StartRecoverDeletedSecret_restore_every_version()
    {
        var name = SecretClients.UniqueName("net-del");
        KeyVaultSecret first = await _client.SetSecretAsync(name, "value-one");
        await _client.SetSecretAsync(name, "value-two");

        var delete = await _client.StartDeleteSecretAsync(name);
        DeletedSecret deleted = await delete.WaitForCompletionAsync(Poll, default);
        Assert.Equal(name, deleted.Name);
        Assert.Null(deleted.Value);
        Assert.Equal(new Uri(TestHostEnvironment.VaultUri, $"/deletedsecrets/{name}"), deleted.RecoveryId);
        Assert.NotNull(deleted.DeletedOn);
        Assert.Equal(90, (int)Math.Round((deleted.ScheduledPurgeDate!.Value - deleted.DeletedOn!.Value).TotalDays));
        var gone = await Assert.ThrowsAsync<RequestFailedException>(() => _client.GetSecretAsync(name));
        Assert.Equal(404, gone.Status);
        var reused = await Assert.ThrowsAsync<RequestFailedException>(() => _client.SetSecretAsync(name, "again"));
        Assert.Equal(409, reused.Status);

        var recover = await _client.StartRecoverDeletedSecretAsync(name);
        SecretProperties recovered = await recover.WaitForCompletionAsync(Poll, default);
        Assert.Equal(name, recovered.Name);
        Assert.Equal("value-two", (await _client.GetSecretAsync(name)).Value.Value);
        Assert.Equal("value-one", (await _client.GetSecretAsync(name, first.Properties.Version)).Value.Value);
    }

    [Fact]
    public async Task PurgeDeletedSecret_frees_the_name()
    {
        var name = SecretClients.UniqueName("net-purge");
        await _client.SetSecretAsync(name, "to be purged");
        await (await _client.StartDeleteSecretAsync(name)).WaitForCompletionAsync(Poll, default);
        await _client.PurgeDeletedSecretAsync(name);
        var missing = await Assert.ThrowsAsync<RequestFailedException>(() => _client.GetDeletedSecretAsync(name));
        Assert.Equal(404, missing.Status);
        Assert.Equal("fresh", (await _client.SetSecretAsync(name, "fresh")).Value.Value);
    }

    [Fact]
    public async Task BackupSecret_and_RestoreSecretBackup_after_purge_keep_versions_and_values()
    {
        var name = SecretClients.UniqueName("net-bak");
        KeyVaultSecret v1 = await _client.SetSecretAsync(new KeyVaultSecret(name, "backed-up-1") { Properties = { ContentType = "text/plain" } });
        KeyVaultSecret v2 = await _client.SetSecretAsync(name, "backed-up-2");
        byte[] backup = await _client.BackupSecretAsync(name);
        Assert.DoesNotContain("backed-up", System.Text.Encoding.Latin1.GetString(backup));

        var live = await Assert.ThrowsAsync<RequestFailedException>(() => _client.RestoreSecretBackupAsync(backup));
        Assert.Equal(409, live.Status);
        await (await _client.StartDeleteSecretAsync(name)).WaitForCompletionAsync(Poll, default);
        await _client.PurgeDeletedSecretAsync(name);

        SecretProperties restored = await _client.RestoreSecretBackupAsync(backup);
        Assert.Equal(v2.Properties.Version, restored.Version);
        Assert.Equal("backed-up-2", (await _client.GetSecretAsync(name)).Value.Value);
        KeyVaultSecret old = await _client.GetSecretAsync(name, v1.Properties.Version);
        Assert.Equal("backed-up-1", old.Value);
        Assert.Equal("text/plain", old.Properties.ContentType);

        var flipped = (byte[])backup.Clone();
        flipped[^3] ^= 1;
        var tampered = await Assert.ThrowsAsync<RequestFailedException>(() => _client.RestoreSecretBackupAsync(flipped));
        Assert.Equal(400, tampered.Status);
        Assert.Equal("BadParameter", tampered.ErrorCode);
    }
}
