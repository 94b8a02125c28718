extern alias cli;
using System.Security.Cryptography;
using System.Text;
using Azure.Storage.Blobs;
using cli::HsmVault.Cli.Audit;
using HsmVault.Audit;
using HsmVault.Hsm;
using HsmVault.Resilience;
using HsmVault.Storage;
using HsmVault.Tests.Secrets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HsmVault.Tests.Audit;

/// <summary>
/// An audit log of its own in Azurite (a fresh container and table prefix) signed with a fresh audit key in the SoftHSM2
/// token: what one service instance would write, and the means to read and tamper with it as someone with storage access could.
/// </summary>
public sealed class AuditStoreFixture : IAsyncDisposable
{
    // Heads are signed (and the journal moved into the segments) by the test itself; the commit timeout is generous because
    // these tests check the chain, not latency, and a shared machine under load can take seconds per write.
    public AuditOptions Options { get; } = new()
    {
        HeadSigningInterval = TimeSpan.FromHours(1), FlushInterval = TimeSpan.FromHours(1), CommitTimeout = TimeSpan.FromMinutes(2),
    };
    public HsmToken Hsm { get; }
    public Tables Tables { get; }
    public Blobs Blobs { get; }
    public AuditSigningKey Key { get; }
    public AuditJournal Journal { get; }
    public AuditSegments Segments { get; }
    public AuditLog Log { get; }
    public ChainHeadSigner Signer { get; }
    public BlobContainerClient Container => Blobs.Audit;

    public AuditStoreFixture()
    {
        Environment.SetEnvironmentVariable("SOFTHSM2_CONF", TestHostEnvironment.SoftHsmConf);
        Hsm = HsmToken.Open(new HsmOptions
        {
            LibraryPath = "/usr/lib/softhsm/libsofthsm2.so", TokenLabel = TestHostEnvironment.TokenLabel, UserPin = TestHostEnvironment.TokenPin,
        });
        var storage = Microsoft.Extensions.Options.Options.Create(new StorageOptions
        {
            ConnectionString = TestEnvironment.Tables, TablePrefix = TestEnvironment.UniqueTablePrefix(), AuditContainer = "t" + Guid.NewGuid().ToString("N")[..20],
        });
        var audit = Microsoft.Extensions.Options.Options.Create(Options);
        Tables = new Tables(storage);
        Blobs = new Blobs(storage);
        var resilience = new ResiliencePipelines(TimeSpan.FromSeconds(10));
        Key = new AuditSigningKey(Hsm, Tables, resilience, TimeProvider.System, NullLogger<AuditSigningKey>.Instance);
        Journal = new AuditJournal(Tables, NullLogger<AuditJournal>.Instance);
        Segments = new AuditSegments(Blobs, NullLogger<AuditSegments>.Instance);
        Log = new AuditLog(Journal, Segments, Tables, audit, TimeProvider.System, NullLogger<AuditLog>.Instance);
        Signer = new ChainHeadSigner(Log, Key, Blobs, audit, TimeProvider.System, NullLogger<ChainHeadSigner>.Instance);
    }

    public async Task StartAsync()
    {
        await Tables.CreateIfMissingAsync(CancellationToken.None);
        await Blobs.CreateIfMissingAsync(CancellationToken.None);
        await Log.StartAsync(CancellationToken.None);
    }

    public async Task<AuditReport> VerifyAsync()
    {
        using var ec = ECDsa.Create();
        ec.ImportFromPem(await Key.PublicKeyPemAsync(CancellationToken.None));
        return new AuditVerifier(ec).Verify(
            await AuditCommands.ReadAsync(Container, "resourceId=", CancellationToken.None),
            await AuditCommands.ReadAsync(Container, AuditChainFormat.HeadsPrefix, CancellationToken.None),
            await AuditCommands.ReadAsync(Container, AuditChainFormat.RetentionPrefix, CancellationToken.None));
    }

    public async Task<List<string>> LinesAsync(string blob) =>
        Encoding.UTF8.GetString((await Container.GetBlobClient(blob).DownloadContentAsync()).Value.Content.ToArray())
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();

    /// <summary>Overwrites a blob with these lines, as someone with write access to the storage account could.</summary>
    public async Task RewriteAsync(string blob, IEnumerable<string> lines) =>
        await Container.GetBlobClient(blob).UploadAsync(BinaryData.FromString(string.Concat(lines.Select(l => l + "\n"))), overwrite: true);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Log.StopAsync(CancellationToken.None);
            if (await Key.GetAsync(CancellationToken.None) is var id) Hsm.DestroyKey(id);
            await Container.DeleteIfExistsAsync();
            foreach (var table in Tables.All) await table.DeleteAsync();
        }
        finally
        {
            Hsm.Dispose();
        }
    }
}
