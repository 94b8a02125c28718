using System.CommandLine;
using System.Text.Json.Nodes;
using HsmVault.Hsm;

namespace HsmVault.Cli.Byok;

/// <summary>
/// <c>byok create</c> and <c>byok import</c>: the customer's side of Key Vault BYOK. The target key comes from the customer's own
/// PKCS#11 token (wrapped inside it, so it is never in the clear on this machine either) or from a key file.
/// </summary>
internal static class ByokCommands
{
    public const string DefaultTokenVariable = "HSMVAULT_ACCESS_TOKEN";

    private static readonly Option<string?> Vault = new("--vault") { Description = "The vault's URL, e.g. https://payments.vault.example.net" };
    private static readonly Option<string> TokenVariable = new("--access-token-env")
    {
        Description = $"Environment variable holding a bearer token for the vault (default {DefaultTokenVariable})",
        DefaultValueFactory = _ => DefaultTokenVariable,
    };
    private static readonly Option<FileInfo?> CaFile = new("--ca-file") { Description = "PEM certificate to trust for the vault's TLS (e.g. a local vault's)" };

    public static Command Create() => new("byok", "Bring your own key: wrap a key for a vault's key exchange key (KEK) and import it.")
    {
        CreateCommand(),
        ImportCommand(),
    };

    private static Command CreateCommand()
    {
        var kekName = new Option<string?>("--kek-name") { Description = "Name of the vault's KEK (read from --vault with the access token)" };
        var kekVersion = new Option<string?>("--kek-version") { Description = "KEK version (default: its current version)" };
        var kekPem = new Option<FileInfo?>("--kek-pem") { Description = "The KEK's public key as PEM, instead of reading it from the vault (needs --kek-id)" };
        var kekId = new Option<string?>("--kek-id") { Description = "The KEK's key identifier with version, for --kek-pem" };
        var keyFile = new Option<FileInfo?>("--key-file") { Description = "Target key in a file: PEM (PKCS#8, PKCS#1, SEC1), PKCS#8 DER or JWK" };
        var module = new Option<FileInfo?>("--pkcs11-module") { Description = "Your HSM's PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so" };
        var tokenLabel = new Option<string?>("--token-label") { Description = "Label of the token (partition) that holds the target key" };
        var pinVariable = new Option<string?>("--pin-env") { Description = "Environment variable holding the token's user PIN (never a command-line argument)" };
        var keyLabel = new Option<string?>("--key-label") { Description = "CKA_LABEL of the target key on the token; it must be CKA_EXTRACTABLE" };
        var enc = new Option<string>("--enc")
        {
            Description = "Wrapping: CKM_RSA_AES_KEY_WRAP (RSA-OAEP SHA-1), RSA_AES_KEY_WRAP_256 or RSA_AES_KEY_WRAP_384",
            DefaultValueFactory = _ => "CKM_RSA_AES_KEY_WRAP",
        };
        enc.AcceptOnlyFromAmong([.. TransferBlob.Encodings.Keys]);
        var output = new Option<FileInfo>("--out") { Description = "The .byok file to write", Required = true };

        var command = new Command("create", "Wrap a target key for the vault's KEK into a .byok transfer blob.")
        {
            Vault, TokenVariable, CaFile, kekName, kekVersion, kekPem, kekId, keyFile, module, tokenLabel, pinVariable, keyLabel, enc, output,
        };
        command.Validators.Add(r =>
        {
            bool fromVault = r.GetValue(kekName) is not null, fromPem = r.GetValue(kekPem) is not null;
            if (fromVault == fromPem) r.AddError("Give the KEK either as --kek-name (with --vault) or as --kek-pem with --kek-id.");
            if (fromVault && r.GetValue(Vault) is null) r.AddError("--kek-name needs --vault.");
            if (fromPem && r.GetValue(kekId) is null) r.AddError("--kek-pem needs --kek-id.");
            bool fromFile = r.GetValue(keyFile) is not null, fromToken = r.GetValue(module) is not null;
            if (fromFile == fromToken) r.AddError("Give the target key either as --key-file or as --pkcs11-module with --token-label, --pin-env and --key-label.");
            if (fromToken && (r.GetValue(tokenLabel) is null || r.GetValue(pinVariable) is null || r.GetValue(keyLabel) is null))
                r.AddError("--pkcs11-module needs --token-label, --pin-env and --key-label.");
        });
        command.SetAction((r, ct) => Run(async () =>
        {
            var kek = r.GetValue(kekPem) is { } pem
                ? KeyExchangeKey.FromPem(pem.FullName, r.GetValue(kekId)!)
                : await WithVault(r, v => KeyExchangeKey.FromVaultAsync(v, r.GetValue(kekName)!, r.GetValue(kekVersion), ct));
            var encoding = r.GetValue(enc)!;
            byte[] ciphertext;
            string kty;
            string? crv;
            if (r.GetValue(keyFile) is { } file)
            {
                using var target = TargetKey.Read(file.FullName);
                ciphertext = TransferBlob.WrapInSoftware(kek, encoding, target.Plaintext);
                (kty, crv) = (target.Kty, target.Crv);
            }
            else
            {
                (ciphertext, kty, crv) = WrapInToken(r.GetValue(module)!.FullName, r.GetValue(tokenLabel)!, r.GetValue(pinVariable)!,
                    r.GetValue(keyLabel)!, kek, TransferBlob.Encodings[encoding]);
            }
            var path = r.GetValue(output)!.FullName;
            await File.WriteAllTextAsync(path, TransferBlob.Json(kek.Kid, encoding, ciphertext), ct);
            Console.WriteLine($"Wrote {path} for KEK {kek.Kid} ({encoding}).");
            Console.WriteLine($"Import it with: byok import --vault <url> --name <key name> --byok-file {path} --kty {kty}{(crv is null ? "" : $" --crv {crv}")}");
        }));
        return command;
    }

    private static (byte[] Ciphertext, string Kty, string? Crv) WrapInToken(string module, string tokenLabel, string pinVariable, string keyLabel,
        KeyExchangeKey kek, HsmHash hash)
    {
        var pin = Environment.GetEnvironmentVariable(pinVariable);
        if (string.IsNullOrEmpty(pin)) throw new CliException($"Environment variable {pinVariable} (the token's PIN) is not set.");
        using var token = HsmToken.Open(new HsmOptions { LibraryPath = module, TokenLabel = tokenLabel, UserPin = pin, MaxIdleSessions = 1 });
        var (ciphertext, target, key) = token.WrapForTransfer(new RsaPublicKey(kek.Modulus, kek.Exponent), hash, keyLabel);
        return target switch
        {
            HsmTransferTarget.Rsa => (ciphertext, "RSA-HSM", null),
            HsmTransferTarget.Ec => (ciphertext, "EC-HSM", key.Curve switch
            {
                HsmCurve.P256 => "P-256",
                HsmCurve.P384 => "P-384",
                HsmCurve.P521 => "P-521",
                _ => "P-256K",
            }),
            _ => (ciphertext, "oct-HSM", null),
        };
    }

    private static Command ImportCommand()
    {
        var name = new Option<string>("--name") { Description = "Name of the key to create in the vault", Required = true };
        var file = new Option<FileInfo>("--byok-file") { Description = "The .byok file written by 'byok create'", Required = true };
        var kty = new Option<string>("--kty") { Description = "RSA-HSM, EC-HSM or oct-HSM (as 'byok create' printed)", Required = true };
        kty.AcceptOnlyFromAmong("RSA-HSM", "EC-HSM", "oct-HSM");
        var crv = new Option<string?>("--crv") { Description = "Curve of an EC key: P-256, P-384, P-521 or P-256K" };
        var ops = new Option<string[]>("--key-ops") { Description = "key_ops of the imported key (default: the vault's default for the type)", AllowMultipleArgumentsPerToken = true };
        var command = new Command("import", "Upload a .byok file: the vault unwraps it inside its HSM with the KEK.")
        {
            Vault, TokenVariable, CaFile, name, file, kty, crv, ops,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(Vault) is null) r.AddError("--vault is required.");
            if (r.GetValue(kty) == "EC-HSM" && r.GetValue(crv) is null) r.AddError("--kty EC-HSM needs --crv.");
        });
        command.SetAction((r, ct) => Run(async () =>
        {
            // The token is checked before the file is read: a missing setting is reported first.
            var bundle = await WithVault(r, async v =>
            {
                var blob = await File.ReadAllBytesAsync(r.GetValue(file)!.FullName, ct);
                var key = new JsonObject { ["kty"] = r.GetValue(kty), ["key_hsm"] = Base64Url.Encode(blob) };
                if (r.GetValue(crv) is { } c) key["crv"] = c;
                if (r.GetValue(ops) is { Length: > 0 } o) key["key_ops"] = new JsonArray([.. o.Select(x => JsonValue.Create(x))]);
                return await v.ImportKeyAsync(r.GetValue(name)!, new JsonObject { ["key"] = key }, ct);
            });
            Console.WriteLine($"Imported {bundle["key"]?["kid"]}");
        }));
        return command;
    }

    private static async Task<T> WithVault<T>(ParseResult r, Func<VaultClient, Task<T>> call)
    {
        var variable = r.GetValue(TokenVariable)!;
        var token = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(token)) throw new CliException($"Environment variable {variable} (a bearer token for the vault) is not set.");
        if (!Uri.TryCreate(r.GetValue(Vault), UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps)
            throw new CliException("--vault must be the vault's https URL.");
        using var vault = new VaultClient(url, token, r.GetValue(CaFile)?.FullName);
        return await call(vault);
    }

    /// <summary>Runs a command body; expected failures are one line on stderr and exit code 1.</summary>
    private static async Task<int> Run(Func<Task> body)
    {
        try
        {
            await body();
            return 0;
        }
        catch (Exception e) when (e is CliException or HsmException or IOException or HttpRequestException or UnauthorizedAccessException
            or System.Security.Cryptography.CryptographicException or TaskCanceledException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
