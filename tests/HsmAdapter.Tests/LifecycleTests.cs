using System.Security.Cryptography;
using Net.Pkcs11Interop.Common;
using Xunit.Abstractions;

namespace HsmVault.Hsm.Tests;

[Collection("softhsm")]
public class LifecycleTests(SoftHsmFixture hsm, ITestOutputHelper output)
{
    private readonly HsmToken _t = hsm.Token;

    [Fact]
    public void Reports_capabilities()
    {
        var c = _t.Capabilities;
        output.WriteLine($"{c}; AES-KW via C_Encrypt: {_t.AesKwViaEncrypt}");
        Assert.True(c.RsaRaw && c.RsaPss && c.Ecdsa && c.AesGcm && c.AesCbcPad && c.AesKeyWrap);
    }

    [Fact]
    public void Destroy_is_idempotent_and_then_operations_are_not_found()
    {
        var id = _t.GenerateEc(HsmCurve.P256, HsmKeyUsage.Sign | HsmKeyUsage.Verify, "to-destroy");
        _t.SignEcdsa(id, new byte[32]);
        _t.DestroyKey(id);
        _t.DestroyKey(id);
        AssertNotFound(() => _t.SignEcdsa(id, new byte[32]));
        AssertNotFound(() => _t.GetEcPublicKey(id));
        AssertNotFound(() => _t.GetKeyAttributes(id));
        AssertNotFound(() => _t.VerifyEcdsa(id, new byte[32], new byte[64]));
    }

    [Fact]
    public void Stale_cached_handle_becomes_not_found()
    {
        var id = _t.GenerateAes(128, HsmKeyUsage.Encrypt, "destroyed-behind-our-back");
        _t.EncryptAesCbcPad(id, new byte[16], [1]);
        // Destroy through Pkcs11Interop directly, leaving the adapter's handle cache stale.
        _t.WithSession("test", s =>
        {
            foreach (var h in s.FindAllObjects(_t.Templates.FindAll(HsmToken.IdBytes(id)))) s.DestroyObject(h);
            return 0;
        });
        AssertNotFound(() => _t.EncryptAesCbcPad(id, new byte[16], [1]));
    }

    [Fact]
    public void Unknown_or_malformed_ids_are_not_found()
    {
        AssertNotFound(() => _t.SignRsaPkcs1(new HsmKeyId(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))), HsmHash.Sha256, new byte[32]));
        AssertNotFound(() => _t.GetRsaPublicKey(new HsmKeyId("not-hex")));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(32)]
    [InlineData(1000)]
    public void Random_bytes_have_the_requested_length(int count)
    {
        var r = _t.GenerateRandom(count);
        Assert.Equal(count, r.Length);
        if (count >= 32) Assert.NotEqual(r, _t.GenerateRandom(count));
    }

    [Fact]
    public void Open_with_unknown_label_lists_the_labels_found()
    {
        var e = Assert.Throws<HsmException>(() => HsmToken.Open(hsm.Options(label: "no-such-token")));
        Assert.Equal(HsmErrorKind.Unavailable, e.Kind);
        Assert.Contains(hsm.Label, e.Message);
    }

    [Fact]
    public void Open_with_wrong_pin_says_so_without_the_pin()
    {
        var wrong = "wrong-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var e = Assert.Throws<HsmException>(() => HsmToken.Open(hsm.Options(pin: wrong, label: hsm.SpareLabel)));
        Assert.Equal(HsmErrorKind.Unavailable, e.Kind);
        Assert.Contains("PIN incorrect", e.Message);
        Assert.DoesNotContain(wrong, e.ToString());
        Assert.DoesNotContain(hsm.Pin, e.ToString());
    }

    [Fact]
    public void Open_with_missing_library_is_unavailable()
    {
        var o = hsm.Options();
        o.LibraryPath = "/nonexistent/libpkcs11.so";
        var e = Assert.Throws<HsmException>(() => HsmToken.Open(o));
        Assert.Equal(HsmErrorKind.Unavailable, e.Kind);
        Assert.Contains("not found", e.Message);
    }

    [Fact]
    public void Second_token_instance_shares_the_module_and_survives_the_other_closing()
    {
        var second = HsmToken.Open(hsm.Options());
        var digest = new byte[32];
        var sig = second.SignEcdsa(hsm.Ec(HsmCurve.P256), digest);
        second.Dispose();
        Assert.True(_t.VerifyEcdsa(hsm.Ec(HsmCurve.P256), digest, sig));
    }

    [Theory]
    [InlineData(CKR.CKR_OBJECT_HANDLE_INVALID, HsmErrorKind.NotFound)]
    [InlineData(CKR.CKR_KEY_HANDLE_INVALID, HsmErrorKind.NotFound)]
    [InlineData(CKR.CKR_DATA_LEN_RANGE, HsmErrorKind.InvalidInput)]
    [InlineData(CKR.CKR_MECHANISM_PARAM_INVALID, HsmErrorKind.InvalidInput)]
    [InlineData(CKR.CKR_TEMPLATE_INCONSISTENT, HsmErrorKind.InvalidInput)]
    [InlineData(CKR.CKR_MECHANISM_INVALID, HsmErrorKind.Unsupported)]
    [InlineData(CKR.CKR_FUNCTION_NOT_SUPPORTED, HsmErrorKind.Unsupported)]
    [InlineData(CKR.CKR_DEVICE_MEMORY, HsmErrorKind.Transient)]
    [InlineData(CKR.CKR_SESSION_COUNT, HsmErrorKind.Transient)]
    [InlineData(CKR.CKR_DEVICE_REMOVED, HsmErrorKind.Unavailable)]
    [InlineData(CKR.CKR_TOKEN_NOT_PRESENT, HsmErrorKind.Unavailable)]
    public void Return_values_map_to_error_kinds(CKR rv, HsmErrorKind kind) => Assert.Equal(kind, RvMapper.Kind(rv));

    private static void AssertNotFound(Action act) =>
        Assert.Equal(HsmErrorKind.NotFound, Assert.Throws<HsmException>(act).Kind);
}
