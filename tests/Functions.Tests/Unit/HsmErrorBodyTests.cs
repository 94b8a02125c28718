using System.Text.Json;
using HsmVault.Hsm;
using HsmVault.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Net.Pkcs11Interop.Common;

namespace HsmVault.Tests.Unit;

/// <summary>No PKCS#11 name reaches a response body: every CKR_* the token can return, through the adapter and the error table.</summary>
public sealed class HsmErrorBodyTests
{
    public static TheoryData<CKR, bool> EveryReturnValue()
    {
        var data = new TheoryData<CKR, bool>();
        foreach (var rv in Enum.GetValues<CKR>().Distinct())
        {
            data.Add(rv, false);
            data.Add(rv, true);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryReturnValue))]
    public void A_token_error_body_never_names_the_return_value(CKR rv, bool decryptLike)
    {
        var hsmError = RvMapper.Map(new Pkcs11Exception("C_Encrypt", rv), "encrypt", decryptLike);
        Assert.Contains(rv.ToString(), hsmError.Message); // operators still see it, in the log

        var error = KeyVaultErrors.ErrorOf(hsmError, "KeyEncrypt", "correlation", NullLogger.Instance);
        var body = JsonSerializer.Serialize(VaultResult.Error(error).Body, VaultResult.Json);

        Assert.DoesNotContain("CKR_", body);
        Assert.True((int)error.Status is 400 or 404 or 503, $"{rv}: {(int)error.Status} {body}");
    }

    [Theory]
    [InlineData(CKR.CKR_ENCRYPTED_DATA_LEN_RANGE, "ciphertext length does not match the key size")]
    [InlineData(CKR.CKR_DATA_LEN_RANGE, "input length is not valid")]
    [InlineData(CKR.CKR_SIGNATURE_LEN_RANGE, "signature length does not match the key size")]
    [InlineData(CKR.CKR_TEMPLATE_INCONSISTENT, "key material is not valid")]
    public void The_client_message_names_the_callers_mistake(CKR rv, string expected)
    {
        var error = KeyVaultErrors.ToVaultException(RvMapper.Map(new Pkcs11Exception("C_Decrypt", rv), "decrypt"))!;
        Assert.Equal("BadParameter", error.Code);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void The_adapters_own_checks_are_shown_as_written()
    {
        var error = KeyVaultErrors.ToVaultException(new HsmException(HsmErrorKind.InvalidInput, "AES-CBC IV must be 16 bytes"))!;
        Assert.Equal(("BadParameter", "AES-CBC IV must be 16 bytes"), (error.Code, error.Message));
    }
}
