using System.Net;
using HsmVault.Keys;
using HsmVault.Objects;

namespace HsmVault.Tests.Unit;

public sealed class WireBytesTests
{
    private static readonly byte[] Sample = [0xfb, 0xff, 0xbf, 0x00, 0x01];

    [Fact]
    public void Encode_is_unpadded_base64url()
    {
        var text = WireBytes.Encode(Sample);
        Assert.Equal("-_-_AAE", text);
        Assert.DoesNotContain('=', text);
    }

    [Theory]
    [InlineData("-_-_AAE")]       // base64url, unpadded
    [InlineData("-_-_AAE=")]      // base64url, padded
    [InlineData("+/+/AAE=")]      // standard alphabet, padded
    [InlineData("+/+/AAE")]       // standard alphabet, unpadded
    public void Decode_accepts_both_alphabets_with_or_without_padding(string text)
    {
        Assert.Equal(Sample, WireBytes.Decode(text, "value"));
    }

    [Fact]
    public void Round_trips_every_length()
    {
        var random = new Random(7);
        for (var n = 0; n < 70; n++)
        {
            var bytes = new byte[n];
            random.NextBytes(bytes);
            Assert.Equal(bytes, WireBytes.Decode(WireBytes.Encode(bytes), "value"));
        }
    }

    [Theory]
    [InlineData("###")]
    [InlineData("ab$d")]
    [InlineData("A")]          // one character is never a whole byte
    [InlineData("é")]
    public void Invalid_input_is_BadParameter_naming_the_field(string text)
    {
        var e = Assert.Throws<VaultException>(() => WireBytes.Decode(text, "digest"));
        Assert.Equal(HttpStatusCode.BadRequest, e.Status);
        Assert.Equal("BadParameter", e.Code);
        Assert.Contains("'digest'", e.Message);
        Assert.DoesNotContain(text, e.Message);
    }

    [Fact]
    public void Missing_required_value_is_BadParameter_naming_the_field()
    {
        var e = Assert.Throws<VaultException>(() => WireBytes.Decode(null, "value"));
        Assert.Equal("BadParameter", e.Code);
        Assert.Contains("'value'", e.Message);
    }

    [Fact]
    public void Optional_null_is_null_and_optional_invalid_still_fails()
    {
        Assert.Null(WireBytes.DecodeOptional(null, "aad"));
        var e = Assert.Throws<VaultException>(() => WireBytes.DecodeOptional("***", "aad"));
        Assert.Contains("'aad'", e.Message);
    }
}
