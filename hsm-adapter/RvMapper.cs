using Net.Pkcs11Interop.Common;

namespace HsmVault.Hsm;

/// <summary>
/// Maps PKCS#11 return values to the adapter's closed error set. The message (for logs) carries the operation and the CKR
/// name; the client message says what was wrong with the input in the caller's terms, without the CKR name.
/// </summary>
internal static class RvMapper
{
    public static HsmErrorKind Kind(CKR rv) => rv switch
    {
        CKR.CKR_OBJECT_HANDLE_INVALID or CKR.CKR_KEY_HANDLE_INVALID => HsmErrorKind.NotFound,

        CKR.CKR_ARGUMENTS_BAD or CKR.CKR_DATA_INVALID or CKR.CKR_DATA_LEN_RANGE
            or CKR.CKR_MECHANISM_PARAM_INVALID or CKR.CKR_ENCRYPTED_DATA_INVALID or CKR.CKR_ENCRYPTED_DATA_LEN_RANGE
            or CKR.CKR_SIGNATURE_INVALID or CKR.CKR_SIGNATURE_LEN_RANGE or CKR.CKR_KEY_SIZE_RANGE
            or CKR.CKR_TEMPLATE_INCOMPLETE or CKR.CKR_TEMPLATE_INCONSISTENT or CKR.CKR_ATTRIBUTE_VALUE_INVALID
            or CKR.CKR_ATTRIBUTE_TYPE_INVALID or CKR.CKR_ATTRIBUTE_READ_ONLY or CKR.CKR_ATTRIBUTE_SENSITIVE
            or CKR.CKR_KEY_TYPE_INCONSISTENT or CKR.CKR_KEY_FUNCTION_NOT_PERMITTED or CKR.CKR_KEY_NOT_WRAPPABLE
            or CKR.CKR_KEY_UNEXTRACTABLE or CKR.CKR_WRAPPED_KEY_INVALID or CKR.CKR_WRAPPED_KEY_LEN_RANGE
            or CKR.CKR_WRAPPING_KEY_SIZE_RANGE or CKR.CKR_WRAPPING_KEY_TYPE_INCONSISTENT
            or CKR.CKR_UNWRAPPING_KEY_SIZE_RANGE or CKR.CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT
            or CKR.CKR_DOMAIN_PARAMS_INVALID or CKR.CKR_KEY_INDIGESTIBLE => HsmErrorKind.InvalidInput,

        CKR.CKR_MECHANISM_INVALID or CKR.CKR_FUNCTION_NOT_SUPPORTED or CKR.CKR_CURVE_NOT_SUPPORTED
            => HsmErrorKind.Unsupported,

        // CKR_GENERAL_ERROR and CKR_FUNCTION_FAILED are not transient: they are what a token answers for a key it cannot
        // use as well as for its own trouble, so HsmToken asks the token whether it is healthy (see ClassifyFailure).
        CKR.CKR_DEVICE_MEMORY or CKR.CKR_HOST_MEMORY or CKR.CKR_SESSION_COUNT
            or CKR.CKR_SESSION_HANDLE_INVALID or CKR.CKR_SESSION_CLOSED
            or CKR.CKR_OPERATION_ACTIVE or CKR.CKR_FUNCTION_CANCELED or CKR.CKR_CANT_LOCK
            or CKR.CKR_USER_NOT_LOGGED_IN or CKR.CKR_BUFFER_TOO_SMALL => HsmErrorKind.Transient,

        // DEVICE_REMOVED/ERROR, TOKEN_NOT_PRESENT, PIN problems, not initialized and anything unknown.
        _ => HsmErrorKind.Unavailable,
    };

    public static HsmException Map(Exception ex, string operation, bool decryptLike = false) => ex switch
    {
        HsmException h => h,
        Pkcs11Exception p => new HsmException(KindFor(p.RV, decryptLike), $"HSM {operation} failed: {p.RV}", p)
        {
            ClientMessage = ClientMessage(p.RV, operation),
        },
        ObjectDisposedException => new HsmException(HsmErrorKind.Unavailable, $"HSM {operation} failed: token is closed", ex),
        _ => new HsmException(HsmErrorKind.Unavailable, $"HSM {operation} failed: {ex.GetType().Name}", ex),
    };

    /// <summary>What a caller is told when the token refuses its input: the mistake, in Key Vault's terms.</summary>
    public static string ClientMessage(CKR rv, string operation) => rv switch
    {
        CKR.CKR_DATA_LEN_RANGE => $"The input length is not valid for this key and algorithm ({operation}).",
        CKR.CKR_ENCRYPTED_DATA_LEN_RANGE => "The ciphertext length does not match the key size.",
        CKR.CKR_ENCRYPTED_DATA_INVALID => "The ciphertext is not valid for this key and algorithm.",
        CKR.CKR_SIGNATURE_LEN_RANGE => "The signature length does not match the key size.",
        CKR.CKR_SIGNATURE_INVALID => "The signature is not valid.",
        CKR.CKR_KEY_SIZE_RANGE or CKR.CKR_WRAPPING_KEY_SIZE_RANGE or CKR.CKR_UNWRAPPING_KEY_SIZE_RANGE =>
            "The key size is not supported by this vault's HSM.",
        CKR.CKR_TEMPLATE_INCOMPLETE or CKR.CKR_TEMPLATE_INCONSISTENT or CKR.CKR_ATTRIBUTE_VALUE_INVALID
            or CKR.CKR_ATTRIBUTE_TYPE_INVALID or CKR.CKR_DOMAIN_PARAMS_INVALID => "The key material is not valid.",
        CKR.CKR_KEY_TYPE_INCONSISTENT or CKR.CKR_KEY_FUNCTION_NOT_PERMITTED or CKR.CKR_WRAPPING_KEY_TYPE_INCONSISTENT
            or CKR.CKR_UNWRAPPING_KEY_TYPE_INCONSISTENT => $"This key cannot be used for {operation}.",
        CKR.CKR_WRAPPED_KEY_INVALID or CKR.CKR_WRAPPED_KEY_LEN_RANGE => "The wrapped key is not valid for this key.",
        CKR.CKR_KEY_NOT_WRAPPABLE or CKR.CKR_KEY_UNEXTRACTABLE or CKR.CKR_KEY_INDIGESTIBLE or CKR.CKR_ATTRIBUTE_SENSITIVE
            or CKR.CKR_ATTRIBUTE_READ_ONLY => "The key cannot be used this way.",
        CKR.CKR_MECHANISM_INVALID or CKR.CKR_FUNCTION_NOT_SUPPORTED => "the algorithm is not available.",
        CKR.CKR_CURVE_NOT_SUPPORTED => "the curve is not available.",
        CKR.CKR_ARGUMENTS_BAD or CKR.CKR_DATA_INVALID or CKR.CKR_MECHANISM_PARAM_INVALID =>
            $"The input is not valid for this key and algorithm ({operation}).",
        _ => $"The HSM could not complete the {operation}.",
    };

    // SoftHSM reports bad padding / a failed tag check as CKR_GENERAL_ERROR; on decrypt of caller input that means bad input.
    private static HsmErrorKind KindFor(CKR rv, bool decryptLike) =>
        decryptLike && rv is CKR.CKR_GENERAL_ERROR or CKR.CKR_FUNCTION_FAILED ? HsmErrorKind.InvalidInput : Kind(rv);
}
