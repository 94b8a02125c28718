using System.Net;
using Azure;
using HsmVault.Hsm;
using HsmVault.Http;
using HsmVault.Objects;
using HsmVault.Storage;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace HsmVault.Tests.Unit;

/// <summary>The exception → Key Vault error table (KeyVaultErrors).</summary>
public sealed class ErrorMappingTests
{
    private static VaultException? ToVaultException(Exception e) => KeyVaultErrors.ToVaultException(e);

    [Fact]
    public void VaultException_passes_through_unchanged()
    {
        var original = VaultException.Forbidden("AccessDenied", "no");
        Assert.Same(original, ToVaultException(original));
    }

    [Fact]
    public void Hsm_not_found_is_KeyNotFound()
    {
        var v = ToVaultException(new HsmException(HsmErrorKind.NotFound, "CKR_OBJECT_HANDLE_INVALID"))!;
        Assert.Equal((HttpStatusCode.NotFound, "KeyNotFound"), (v.Status, v.Code));
    }

    [Theory]
    [InlineData(HsmErrorKind.InvalidInput)]
    [InlineData(HsmErrorKind.Unsupported)]
    public void Hsm_bad_input_and_unsupported_are_BadParameter(HsmErrorKind kind)
    {
        var v = ToVaultException(new HsmException(kind, "data length out of range"))!;
        Assert.Equal((HttpStatusCode.BadRequest, "BadParameter"), (v.Status, v.Code));
        Assert.Contains("data length out of range", v.Message);
    }

    public static TheoryData<Exception> Unavailable => new()
    {
        new HsmException(HsmErrorKind.Transient, "busy"),
        new HsmException(HsmErrorKind.Unavailable, "gone"),
        new BrokenCircuitException("open"),
        new TimeoutRejectedException("slow"),
        new RequestFailedException(503, "unavailable"),
        new RequestFailedException(500, "internal"),
        new RequestFailedException(429, "throttled"),
        new RequestFailedException(0, "no response"),
        new HttpRequestException("connection refused"),
    };

    [Theory]
    [MemberData(nameof(Unavailable))]
    public void Dependency_failures_are_503_with_Retry_After(Exception e)
    {
        var v = ToVaultException(e)!;
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "ServiceUnavailable"), (v.Status, v.Code));
        Assert.True(v.RetryAfter > TimeSpan.Zero);
    }

    public static TheoryData<Exception> Bugs => new()
    {
        new InvalidOperationException("bug"),
        new NullReferenceException(),
        new RequestFailedException(404, "not found"),
        new RequestFailedException(409, "conflict"),
        new RequestFailedException(400, "bad request"),
    };

    [Theory]
    [MemberData(nameof(Bugs))]
    public void Anything_else_is_left_to_surface_as_500(Exception e) => Assert.Null(ToVaultException(e));

    [Fact]
    public void Storage_faults_become_409_Conflict_and_400_for_a_bad_skiptoken()
    {
        var conflict = ToVaultException(new ConcurrentChangeException("The key was changed by another request; retry the update."))!;
        Assert.Equal((HttpStatusCode.Conflict, "Conflict"), (conflict.Status, conflict.Code));
        Assert.Equal("The key was changed by another request; retry the update.", conflict.Message);
        var skip = ToVaultException(new InvalidContinuationException())!;
        Assert.Equal((HttpStatusCode.BadRequest, "BadParameter", "The $skiptoken is not valid."), (skip.Status, skip.Code, skip.Message));
    }

    [Fact]
    public void Error_result_has_key_vault_shape_and_retry_after()
    {
        var result = VaultResult.Error(VaultException.Unavailable("down", TimeSpan.FromMilliseconds(1500)));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, result.Status);
        var body = Assert.IsType<ErrorEnvelope>(result.Body);
        Assert.Equal("ServiceUnavailable", body.Error.Code);
        Assert.Null(body.Error.InnerError);

        var forbidden = Assert.IsType<ErrorEnvelope>(VaultResult.Error(VaultException.Forbidden("KeyDisabled", "m")).Body);
        Assert.Equal(("Forbidden", "KeyDisabled"), (forbidden.Error.Code, forbidden.Error.InnerError!.Code));
    }
}
