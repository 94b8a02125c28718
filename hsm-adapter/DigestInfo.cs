namespace HsmVault.Hsm;

/// <summary>DER DigestInfo prefixes (RFC 8017 9.2 note 1) and hash facts for precomputed-digest signing.</summary>
internal static class DigestInfo
{
    private static readonly byte[] Sha1 = Convert.FromHexString("3021300906052b0e03021a05000414");
    private static readonly byte[] Sha256 = Convert.FromHexString("3031300d060960864801650304020105000420");
    private static readonly byte[] Sha384 = Convert.FromHexString("3041300d060960864801650304020205000430");
    private static readonly byte[] Sha512 = Convert.FromHexString("3051300d060960864801650304020305000440");

    public static int Length(HsmHash hash) => hash switch
    {
        HsmHash.Sha1 => 20,
        HsmHash.Sha256 => 32,
        HsmHash.Sha384 => 48,
        HsmHash.Sha512 => 64,
        _ => throw new HsmException(HsmErrorKind.InvalidInput, "Unknown hash algorithm"),
    };

    public static byte[] Wrap(HsmHash hash, byte[] digest)
    {
        CheckDigest(hash, digest);
        var prefix = hash switch
        {
            HsmHash.Sha1 => Sha1,
            HsmHash.Sha256 => Sha256,
            HsmHash.Sha384 => Sha384,
            _ => Sha512,
        };
        var result = new byte[prefix.Length + digest.Length];
        prefix.CopyTo(result, 0);
        digest.CopyTo(result, prefix.Length);
        return result;
    }

    public static void CheckDigest(HsmHash hash, byte[]? digest)
    {
        if (digest is null || digest.Length != Length(hash))
            throw new HsmException(HsmErrorKind.InvalidInput, $"Digest length must be {Length(hash)} bytes for {hash}");
    }
}
