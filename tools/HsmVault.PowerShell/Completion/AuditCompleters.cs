using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace HsmVault.PowerShell.Completion;

/// <summary>Fixed-list completion (no service call) for audit filters.</summary>
public abstract class FixedCompleter(params string[] values) : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = (wordToComplete ?? "").Trim('\'', '"');
        return values.Where(v => v.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(v => new CompletionResult(v, v, CompletionResultType.ParameterValue, v));
    }
}

/// <summary>The operation names audit records carry (operationName).</summary>
public sealed class AuditOperationCompleter() : FixedCompleter(
    "KeyBackup", "KeyCreate", "KeyDecrypt", "KeyDelete", "KeyEncrypt", "KeyGet", "KeyGetDeleted", "KeyImport", "KeyList",
    "KeyListDeleted", "KeyListVersions", "KeyPurge", "KeyRecover", "KeyRestore", "KeyRotate", "KeyRotationPolicyGet",
    "KeyRotationPolicySet", "KeySign", "KeyUnwrap", "KeyUpdate", "KeyVerify", "KeyWrap", "SecretBackup", "SecretDelete", "SecretGet",
    "SecretGetDeleted", "SecretList", "SecretListDeleted", "SecretListVersions", "SecretPurge", "SecretRecover", "SecretRestore",
    "SecretSet", "SecretUpdate", "VaultGet", "Unauthenticated");

public sealed class AuditResultCompleter() : FixedCompleter("Success", "Failure", "AccessDenied",
    "KeyNotFound", "SecretNotFound", "BadParameter", "Forbidden", "NotFound", "TooManyRequests");
