using Azure.Core;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace HsmVault.Storage;

/// <summary>The blob container of audit segments (append blobs), created once at start.</summary>
public sealed class Blobs
{
    public Blobs(IOptions<StorageOptions> storage)
    {
        var o = storage.Value;
        var clientOptions = new BlobClientOptions();
        // The audit writer retries an append itself (with the same bytes), so the SDK does not.
        clientOptions.Retry.MaxRetries = 0;
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        clientOptions.Retry.Mode = RetryMode.Fixed;
        var service = string.IsNullOrEmpty(o.BlobEndpoint)
            ? new BlobServiceClient(o.ConnectionString, clientOptions)
            : new BlobServiceClient(new Uri(o.BlobEndpoint), Tables.ManagedIdentity(o.ManagedIdentityClientId), clientOptions);
        Audit = service.GetBlobContainerClient(o.AuditContainer);
    }

    public BlobContainerClient Audit { get; }

    public async Task CreateIfMissingAsync(CancellationToken ct) => await Audit.CreateIfNotExistsAsync(cancellationToken: ct);
}
