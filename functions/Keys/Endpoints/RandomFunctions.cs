using HsmVault.Hsm;
using HsmVault.Http;
using HsmVault.Objects;
using HsmVault.Resilience;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace HsmVault.Keys.Endpoints;

/// <summary>Random bytes from the HSM's generator (Key Vault's getRandomBytes).</summary>
public sealed class RandomFunctions(VaultRequestPipeline pipeline, IVaultTokens tokens, ResiliencePipelines resilience)
{
    public const int MaxCount = 128;

    [Function("GetRandomBytes")]
    public Task<IActionResult> GetRandomBytes(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "rng")] HttpRequest req) =>
        pipeline.RunAsync(req, KeyOperations.Random, async ctx =>
        {
            var count = (await ctx.ReadJsonAsync<RandomBytesParameters>()).Count
                ?? throw VaultException.BadParameter("Property 'count' is required.");
            if (count is < 1 or > MaxCount) throw VaultException.BadParameter($"Property 'count' must be from 1 to {MaxCount}.");
            var hsm = tokens.For(ctx.Vault);
            return VaultResult.Ok(new RandomBytesResult(WireBytes.Encode(resilience.Hsm(hsm.TokenId, ctx.Vault.Name).Idempotent.Execute(() => hsm.GenerateRandom(count)))));
        });
}
