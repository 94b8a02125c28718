using System.Text.Json;
using Azure.Storage.Blobs.Specialized;
using HsmVault.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HsmVault.Audit;

/// <summary>
/// Signs this instance's chain head in the HSM whenever the chain moved (every few seconds) and appends it to the chain's
/// head file. On a clean stop, after the audit log drained, it signs a last head marked closed. Registered before
/// <see cref="AuditLog"/> so that it starts first and stops after it.
/// </summary>
public sealed class ChainHeadSigner(AuditLog log, AuditSigningKey key, Blobs blobs, IOptions<AuditOptions> options, TimeProvider clock,
    ILogger<ChainHeadSigner> logger) : IHostedService
{
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private long _signedSeq;
    private bool _created;

    public Task StartAsync(CancellationToken ct)
    {
        _loop = Task.Run(LoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken ct)
    {
        await _stop.CancelAsync();
        await _loop;
        try
        {
            await SignAsync(closed: true, ct);
        }
        catch (Exception e)
        {
            logger.LogWarning("The closing chain head could not be signed: {Error}", e.GetType().Name);
        }
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(options.Value.HeadSigningInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                try
                {
                    if (log.CommittedSeq > _signedSeq) await SignAsync(closed: false, _stop.Token);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning("Chain head signing failed: {Error}; retrying next round", e.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Moves what is journaled into the segments, then signs the head of what is in them (never ahead of them) and appends it
    /// to the chain's head file.
    /// </summary>
    public async Task SignAsync(bool closed, CancellationToken ct)
    {
        await log.FlushAsync().WaitAsync(ct);
        var (seq, hash) = log.StoredHead;
        if (seq == 0) return;
        var time = clock.GetUtcNow();
        var signature = await key.SignAsync(AuditChainFormat.HeadDigest(log.ChainId, seq, hash, time, closed), ct);
        var head = new ChainHead(log.ChainId, seq, hash, time, closed, Convert.ToBase64String(signature));
        var blob = blobs.Audit.GetAppendBlobClient(AuditChainFormat.HeadBlobName(log.ChainId));
        if (!_created)
        {
            await blob.CreateIfNotExistsAsync(cancellationToken: ct);
            _created = true;
        }
        using var line = new MemoryStream();
        JsonSerializer.Serialize(line, head);
        line.WriteByte((byte)'\n');
        line.Position = 0;
        await blob.AppendBlockAsync(line, cancellationToken: ct);
        _signedSeq = seq;
    }
}
