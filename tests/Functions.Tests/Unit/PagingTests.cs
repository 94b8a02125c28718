using System.Net;
using HsmVault.Http;
using HsmVault.Objects;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace HsmVault.Tests.Unit;

public sealed class PagingTests
{
    private static HttpRequest Request(string query)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString(query);
        return context.Request;
    }

    /// <summary>The page the query asks for, read as the endpoints read it.</summary>
    private static PageRequest Page(string query) => new RequestContext(
        Request(query), new Vault("v", "t", true, new Uri("https://localhost/")), new CallerIdentity("o", "t", null, [], []), "7.6", 1).ReadPage();

    [Fact]
    public void Maxresults_defaults_to_25() => Assert.Equal(25, Page("").MaxResults);

    [Theory]
    [InlineData("1", 1)]
    [InlineData("7", 7)]
    [InlineData("25", 25)]
    public void Maxresults_within_bounds(string raw, int expected) => Assert.Equal(expected, Page("?maxresults=" + raw).MaxResults);

    [Theory]
    [InlineData("0")]
    [InlineData("26")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("99999999999")]
    public void Maxresults_out_of_bounds_is_BadParameter(string raw)
    {
        var e = Assert.Throws<VaultException>(() => Page("?maxresults=" + raw).MaxResults);
        Assert.Equal((HttpStatusCode.BadRequest, "BadParameter"), (e.Status, e.Code));
    }

    [Fact]
    public void No_skiptoken_means_first_page() => Assert.Null(Page("?api-version=7.6").Continuation);

    [Theory]
    [InlineData("simple")]
    [InlineData("1!cur!abc&x=y+z/=?#")]
    [InlineData("1!8!ZGVmYXVsdA-- 1!20!djFrZXk-")] // storage's own shape: next partition key and next row key
    public void Skiptoken_round_trips_through_nextLink(string continuation)
    {
        var vault = new Vault("v1", "tenant", true, new Uri("https://v1.localhost:8443/"));
        var caller = new CallerIdentity("oid", "tenant", null, [], []);
        var ctx = new RequestContext(Request("?api-version=7.6"), vault, caller, "7.6", 1024);

        var next = Paging.NextLink(ctx, "keys/k/versions", 5, continuation);

        Assert.NotNull(next);
        var uri = new Uri(next);
        Assert.Equal("https://v1.localhost:8443/keys/k/versions", uri.GetLeftPart(UriPartial.Path));
        var query = QueryHelpers.ParseQuery(uri.Query);
        Assert.Equal("7.6", query["api-version"].ToString());
        Assert.Equal("5", query["maxresults"].ToString());
        Assert.Equal(continuation, Page(uri.Query).Continuation);
    }

    [Fact]
    public void No_continuation_means_no_nextLink()
    {
        var ctx = new RequestContext(Request(""), new Vault("v", "t", true, new Uri("https://localhost/")), new CallerIdentity("o", "t", null, [], []), "7.6", 1);
        Assert.Null(Paging.NextLink(ctx, "keys", 25, null));
    }

    [Theory]
    [InlineData("%23%23%23")]
    [InlineData("A")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")] // not ASCII once decoded: the fuzzer's 500
    [InlineData("w7xuw69jw7Zkw6k")]   // "ünïcödé"
    [InlineData("YSBiIGM")]           // "a b c": three words
    [InlineData("IGE")]               // " a": an empty word
    [InlineData("YQli")]              // "a\tb": a control character
    public void Invalid_skiptoken_is_BadParameter(string raw)
    {
        var e = Assert.Throws<VaultException>(() => Page("?$skiptoken=" + raw).Continuation);
        Assert.Equal("BadParameter", e.Code);
        Assert.Contains("$skiptoken", e.Message);
    }
}
