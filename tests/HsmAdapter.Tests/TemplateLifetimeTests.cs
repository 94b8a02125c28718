namespace HsmVault.Hsm.Tests;

/// <summary>
/// Garbage collections while keys are made and searched: Pkcs11Interop frees an attribute's value in its finalizer, so a
/// template collected during C_GenerateKeyPair stored garbage as the key's CKA_ID and label (HeldAttributeFactory).
/// </summary>
[Collection("softhsm")]
public class TemplateLifetimeTests(SoftHsmFixture hsm)
{
    private readonly HsmToken _t = hsm.Token;

    [Fact]
    public async Task Keys_made_while_the_collector_runs_keep_their_id_and_label()
    {
        using var stop = new CancellationTokenSource();
        var collector = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        });
        var made = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        try
        {
            Parallel.For(0, 120, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
            {
                var label = $"lifetime-{i}-{Guid.NewGuid():N}";
                made[_t.GenerateEc(HsmCurve.P256, HsmKeyUsage.Sign | HsmKeyUsage.Verify, label).Value] = label;
            });
        }
        finally
        {
            stop.Cancel();
            await collector;
        }

        var privates = _t.ListKeyObjects().Where(o => o.Class == HsmObjectClass.Private).ToDictionary(o => o.Id.Value, o => o.Label);
        foreach (var (id, label) in made)
        {
            Assert.True(privates.TryGetValue(id, out var stored), $"no private object with the id of {label}");
            Assert.Equal(label, stored);
        }
        foreach (var id in made.Keys) _t.DestroyKey(new HsmKeyId(id));
    }

    [Fact]
    public void Held_attributes_live_until_the_outermost_call_ends()
    {
        var f = ModuleRegistry.Factories.ObjectAttributeFactory;
        Net.Pkcs11Interop.HighLevelAPI.IObjectAttribute inner;
        using (HeldAttributeFactory.Call())
        {
            using (HeldAttributeFactory.Call()) inner = f.Create(Net.Pkcs11Interop.Common.CKA.CKA_LABEL, "kept");
            Assert.Equal("kept", inner.GetValueAsString());
        }
        Assert.Throws<ObjectDisposedException>(() => inner.GetValueAsString());
    }
}
