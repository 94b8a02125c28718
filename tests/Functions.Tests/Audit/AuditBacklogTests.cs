using HsmVault.Audit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HsmVault.Tests.Audit;

/// <summary>Admission by audit backlog is per vault: one vault with a full share is refused, the others are not.</summary>
public sealed class AuditBacklogTests
{
    [Fact]
    public void A_vault_over_its_share_is_backlogged_while_other_vaults_are_not()
    {
        // Not started: nothing drains, so every posted record stays pending. Storage is never touched by queueing.
        var log = new AuditLog(null!, null!, null!, Options.Create(new AuditOptions { MaxPending = 5, MaxPendingPerVault = 2 }),
            TimeProvider.System, NullLogger<AuditLog>.Instance);
        AuditRecord Record(string vault) =>
            new(DateTimeOffset.UtcNow, vault, null, null, null, null, "Test", null, null, 200, "OK", 0, Guid.NewGuid().ToString());

        log.Post(Record("busy"));
        Assert.False(log.IsBacklogged("busy"));
        log.Post(Record("BUSY"));
        Assert.True(log.IsBacklogged("busy"));
        Assert.Equal(2, log.PendingFor("Busy"));
        Assert.False(log.IsBacklogged("quiet"));

        for (var i = 0; i < 3; i++) log.Post(Record($"other{i}"));
        Assert.True(log.IsBacklogged("quiet"), "the bound over all vaults still holds");
    }
}
