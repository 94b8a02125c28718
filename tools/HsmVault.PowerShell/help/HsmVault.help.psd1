# The help text of every cmdlet. Build-Help.ps1 turns it, with the syntax read from the built module, into
# ../en-US/HsmVault.PowerShell.dll-Help.xml (MAML, what Get-Help reads). Parameters without their own text use Common.
@{
    Common = @{
        VaultName         = 'The vault''s name (3-24 letters, digits and hyphens). Tab completes the vaults of the connected service.'
        Name              = 'The object''s name. Tab completes the names in the vault given by -VaultName.'
        Version           = 'One version (32 hex digits); without it, the current version.'
        Tag               = 'Tags as a hashtable (@{ team = ''pay'' }); they replace the existing tags. An empty hashtable removes them all.'
        Enable            = 'Enables ($true) or disables ($false). A disabled key or secret cannot be used until it is enabled again.'
        Expires           = 'When it expires (a DateTime; sent as UTC).'
        NotBefore         = 'Before when it cannot be used (a DateTime; sent as UTC).'
        PassThru          = 'Outputs the changed object (or $true for a removal).'
        Force             = 'Skips the confirmation prompt (-WhatIf still only reports).'
        KeyOps            = 'The operations the key allows: encrypt, decrypt, sign, verify, wrapKey, unwrapKey, import.'
        ContentType       = 'A hint of what the value is, e.g. text/plain or application/x-pkcs12 (255 characters at most).'
        Disable           = 'Creates it disabled.'
        IncludeVersions   = 'Lists every version of the named object (never values).'
        InRemovedState    = 'Deleted objects instead: the list (or those matching -Name), or one deleted object.'
        WhatIf            = 'Shows what would happen; changes nothing.'
        Confirm           = 'Asks before changing anything.'
    }
    Cmdlets = @{
        'Connect-HsmVault' = @{
            Synopsis    = 'Signs in to an HsmVault service with an Azure.Identity credential, as Connect-AzAccount does.'
            Description = 'Picks the service and a credential: a service principal with a client secret (-Credential: user name = application id, password = secret) or a certificate, a managed identity (-Identity), a device code (-UseDeviceAuthentication), or a token obtained elsewhere (-AccessToken). It gets a first token at once, so a wrong credential fails here. Locally, -AuthorityHost is the service itself (its development identity provider) and -CaCertificatePath trusts the local TLS certificate (.local/data/tls-cert.pem). The connection is kept for the PowerShell process until Disconnect-HsmVault.'
            Parameters  = @{
                ServiceUri            = 'The service''s base URL, e.g. https://localhost:8443 or https://hsmvault.example.net.'
                ServicePrincipal      = 'Signs in as a service principal (with -Credential, or -ApplicationId and a certificate).'
                Credential            = 'The application (client) id as user name and the client secret as password.'
                ApplicationId         = 'The application (client) id: of the service principal (certificate), or of the public client app (device code).'
                CertificatePath       = 'A PFX/P12 file with the service principal''s certificate and private key.'
                CertificatePassword   = 'The PFX password, as a SecureString.'
                CertificateThumbprint = 'The thumbprint of a certificate in the CurrentUser\My store.'
                Identity              = 'Signs in with the managed identity of the machine or app service this runs on.'
                AccountId             = 'With -Identity: the client id of a user-assigned managed identity. With -AccessToken: the account shown in the context.'
                UseDeviceAuthentication = 'Signs in a user with a device code: the code and the URL to open are written as a warning.'
                AccessToken           = 'A bearer token for the service''s audience, as a SecureString; used until it expires.'
                Tenant                = 'The directory (tenant) id to sign in to.'
                AuthorityHost         = 'The identity provider, e.g. https://login.microsoftonline.com (the default). Locally: the service URL.'
                Audience              = 'The token audience the service expects (the first of HsmVault__Auth__Audiences); by default the one its 401 challenge names.'
                CaCertificatePath     = 'A PEM file whose certificates are trusted, in addition to none, for the service and the identity provider (the local vault''s self-signed certificate).'
                VaultDnsSuffix        = 'The DNS suffix of vault hosts ({vault}.{suffix}); by default the service''s host name.'
            }
            Examples    = @(
                @{ Code = '$cred = Get-Credential -UserName operator
Connect-HsmVault -ServiceUri https://localhost:8443 -ServicePrincipal -Credential $cred `
    -Tenant 11111111-1111-4111-8111-111111111111 -AuthorityHost https://localhost:8443 -CaCertificatePath .local/data/tls-cert.pem'; Remarks = 'Signs in to the local vault with the development identity provider''s operator principal (its secret is dev-secret-operator in local.settings.sample.json).' }
                @{ Code = 'Connect-HsmVault -ServiceUri https://hsmvault.example.net -Identity'; Remarks = 'Signs in with the system-assigned managed identity of the VM or app service the script runs on.' }
                @{ Code = 'Connect-HsmVault -ServiceUri https://hsmvault.example.net -ServicePrincipal -ApplicationId $appId -Tenant $tenant -CertificatePath ./ops.pfx -CertificatePassword (Read-Host -AsSecureString)'; Remarks = 'Signs in as a service principal with a certificate.' }
                @{ Code = 'Connect-HsmVault -ServiceUri https://hsmvault.example.net -UseDeviceAuthentication -ApplicationId $publicClientId -Tenant $tenant'; Remarks = 'Signs a user in with a device code.' }
            )
        }
        'Disconnect-HsmVault' = @{
            Synopsis    = 'Forgets the connection that Connect-HsmVault made.'
            Description = 'Clears the service, credential and cached token of this PowerShell process. Cmdlets then stop with a NotConnected error until Connect-HsmVault runs again.'
            Examples    = @( @{ Code = 'Disconnect-HsmVault'; Remarks = 'Signs out.' } )
        }
        'Get-HsmVault' = @{
            Synopsis    = 'Gets one vault, or every vault of the service, or the deleted vaults (operators only).'
            Description = 'Without -VaultName, lists every vault (optionally only those carrying all the tags of -Tag). With -VaultName, gets that vault with its access policies. With -InRemovedState, as Get-AzKeyVault -InRemovedState, the deleted vaults (or those matching -VaultName) with their deletion and scheduled purge dates; a name that is not deleted outputs nothing. Needs the operator role.'
            Parameters  = @{ Tag = 'Only vaults that carry all these tags.'; InRemovedState = 'Deleted vaults instead: every one, those matching -VaultName (wildcards), or one.'; VaultName = 'The vault''s name; with -InRemovedState, wildcards filter the deleted vaults.' }
            Examples    = @(
                @{ Code = 'Get-HsmVault'; Remarks = 'Lists the vaults.' }
                @{ Code = 'Get-HsmVault -InRemovedState'; Remarks = 'Lists the deleted vaults and when each will be purged.' }
                @{ Code = 'Get-HsmVault -VaultName payments | Select-Object -ExpandProperty AccessPolicies'; Remarks = 'Shows who may do what in the payments vault.' }
            )
        }
        'New-HsmVault' = @{
            Synopsis    = 'Creates a vault (New-AzKeyVault without ARM''s resource group and location).'
            Description = 'Creates a vault owned by a tenant: only tokens of that tenant, with an access policy, may use it. Its data plane is https://{name}.{suffix}.'
            Parameters  = @{
                Name                      = 'The new vault''s name: 3-24 letters, digits and hyphens, starting with a letter.'
                TenantId                  = 'The tenant that owns the vault; by default the tenant of the connection.'
                SoftDeleteRetentionInDays = 'How many days a deleted object is kept (7-90; default 90).'
                HsmTokenLabel             = 'The HSM token the vault''s keys live on (must be the configured token''s label).'
                EnablePurgeProtection     = 'Nothing deleted in the vault (nor the vault itself) can be purged before its retention ends. It cannot be turned off.'
            }
            Examples    = @( @{ Code = 'New-HsmVault -Name payments -Tag @{ team = ''pay'' } -SoftDeleteRetentionInDays 30'; Remarks = 'Creates the payments vault in the connection''s tenant.' } )
        }
        'Update-HsmVault' = @{
            Synopsis    = 'Enables or disables a vault, turns purge protection on or replaces its tags.'
            Description = 'A disabled vault refuses every data-plane request until it is enabled again. Purge protection, once on, stays on. The retention is fixed when the vault is created: giving another -SoftDeleteRetentionInDays is an InvalidArgument error.'
            Parameters  = @{ SoftDeleteRetentionInDays = 'Only the vault''s current retention is accepted (it cannot change after creation).'; EnablePurgeProtection = 'Turns purge protection on (it cannot be turned off).' }
            Examples    = @( @{ Code = 'Get-HsmVault -VaultName payments | Update-HsmVault -Enable $false'; Remarks = 'Disables the payments vault.' } )
        }
        'Remove-HsmVault' = @{
            Synopsis    = 'Deletes a vault (recoverable until its scheduled purge), or with -InRemovedState purges a deleted vault for good.'
            Description = 'As Remove-AzKeyVault. A deleted vault stops serving at once; its name, keys, secrets and access policies stay until Undo-HsmVaultRemoval recovers it or the retention ends. -InRemovedState purges it now: every key''s HSM objects are destroyed and a new vault of that name starts empty (refused under purge protection). Asks for confirmation (ConfirmImpact High) unless -Force is given.'
            Parameters  = @{ InRemovedState = 'Purges the deleted vault instead (permanently).'; PassThru = 'Outputs $true when done.' }
            Examples    = @(
                @{ Code = 'Remove-HsmVault -VaultName payments -WhatIf'; Remarks = 'Shows what would be removed, removes nothing.' }
                @{ Code = 'Get-HsmVault -InRemovedState -VaultName test-* | Remove-HsmVault -InRemovedState -Force'; Remarks = 'Purges every deleted vault whose name starts with test-.' }
            )
        }
        'Undo-HsmVaultRemoval' = @{
            Synopsis    = 'Recovers a deleted vault with its keys, secrets and access policies.'
            Description = 'As Undo-AzKeyVaultRemoval (without ARM''s resource group and location). The vault serves again as it was before it was deleted.'
            Parameters  = @{ VaultName = 'The deleted vault''s name (Get-HsmVault -InRemovedState lists them).'; Tag = 'Replaces the recovered vault''s tags.' }
            Examples    = @( @{ Code = 'Undo-HsmVaultRemoval -VaultName payments'; Remarks = 'Brings the payments vault back.' } )
        }
        'Get-HsmVaultAccessPolicy' = @{
            Synopsis    = 'Gets the access policy entries of a vault.'
            Description = 'Each entry grants an object (user, group, app or managed identity; optionally only through one application) permissions on the whole vault or, with a KeyName, on one key or key-name prefix.'
            Parameters  = @{ ObjectId = 'Only the entries of this object id.'; KeyName = 'Only the entries of this key scope; "*" for the vault-wide entries.' }
            Examples    = @( @{ Code = 'Get-HsmVaultAccessPolicy -VaultName payments -ObjectId $appOid'; Remarks = 'Shows what the app may do.' } )
        }
        'Set-HsmVaultAccessPolicy' = @{
            Synopsis    = 'Grants an object permissions on a vault, or with -KeyName on one key or name prefix.'
            Description = 'As Set-AzKeyVaultAccessPolicy: an entry for the object (and scope) is created or changed; permissions of a kind not given (keys or secrets) are kept. Takes effect on every instance within about a second.'
            Parameters  = @{
                ObjectId             = 'The object id (a GUID) of a user, group, service principal or managed identity.'
                ApplicationId        = 'Makes a compound entry: the object only when acting through this application.'
                PermissionsToKeys    = 'Key permissions: all, get, list, create, import, update, delete, recover, backup, restore, purge, encrypt, decrypt, sign, verify, wrapKey, unwrapKey, rotate, getrotationpolicy, setrotationpolicy, release.'
                PermissionsToSecrets = 'Secret permissions: all, get, list, set, delete, recover, backup, restore, purge.'
                KeyName              = 'Limits the entry to one key, or to names starting with a prefix ("payments-*"); keys permissions only.'
            }
            Examples    = @(
                @{ Code = 'Set-HsmVaultAccessPolicy -VaultName payments -ObjectId $appOid -PermissionsToKeys get, list -PermissionsToSecrets get'; Remarks = 'Lets the app read keys and secrets of the whole vault.' }
                @{ Code = 'Set-HsmVaultAccessPolicy -VaultName payments -ObjectId $appOid -KeyName ''payments-signing'' -PermissionsToKeys sign'; Remarks = 'Lets the app sign with one key only.' }
            )
        }
        'Remove-HsmVaultAccessPolicy' = @{
            Synopsis    = 'Revokes an object''s access: every entry, the entry of one key scope, or exactly the piped entries.'
            Description = 'Without -KeyName every entry of the object goes. Entries piped from Get-HsmVaultAccessPolicy are removed one by one, each with its own scope.'
            Parameters  = @{ ObjectId = 'The object whose entries go.'; KeyName = 'Only the entry of this key scope ("*" for the vault-wide entry).'; InputObject = 'Entries from Get-HsmVaultAccessPolicy.' }
            Examples    = @(
                @{ Code = 'Remove-HsmVaultAccessPolicy -VaultName payments -ObjectId $appOid'; Remarks = 'Revokes everything the app had.' }
                @{ Code = 'Get-HsmVaultAccessPolicy -VaultName payments -KeyName ''payments-*'' | Remove-HsmVaultAccessPolicy -WhatIf'; Remarks = 'Shows which prefix-scoped entries would go.' }
            )
        }
        'Add-HsmVaultKey' = @{
            Synopsis    = 'Creates a key in the vault''s HSM, or imports one from a PFX, PEM, JWK or .byok file.'
            Description = 'As Add-AzKeyVaultKey. A created key is generated inside the HSM and its private part never leaves it. An imported key is read from the file here and sent to the vault once, over TLS; a .byok file (Key Vault''s BYOK format) is unwrapped inside the HSM. Adding a key of an existing name makes a new version.'
            Parameters  = @{
                Name            = 'The key''s name (1-127 letters, digits and hyphens).'
                Destination     = 'Where the key lives: HSM (the only choice; HsmVault has no software keys).'
                KeyType         = 'RSA, EC or oct (AES). For a .byok file: the type of the key inside it.'
                Size            = 'RSA: 2048, 3072 or 4096 bits (default 2048); oct: 128, 192 or 256.'
                CurveName       = 'EC curve: P-256 (default), P-384, P-521 or P-256K.'
                KeyFilePath     = 'The key to import: .pfx/.p12, .pem/.key (PKCS#1, SEC1 or PKCS#8, encrypted or not), .json/.jwk (a JSON Web Key with private parts) or .byok.'
                KeyFilePassword = 'The password of a PFX or an encrypted PEM, as a SecureString.'
            }
            Examples    = @(
                @{ Code = 'Add-HsmVaultKey -VaultName payments -Name payments-signing -Destination HSM -KeyType EC -CurveName P-256'; Remarks = 'Creates a P-256 signing key in the HSM.' }
                @{ Code = 'Add-HsmVaultKey -VaultName payments -Name wrap -KeyType RSA -Size 3072 -KeyOps wrapKey, unwrapKey -Expires (Get-Date).AddYears(1) -Tag @{ app = ''orders'' }'; Remarks = 'Creates an RSA key for wrapping only, valid for a year.' }
                @{ Code = 'Add-HsmVaultKey -VaultName payments -Name legacy -KeyFilePath ./legacy.pfx -KeyFilePassword (Read-Host -AsSecureString)'; Remarks = 'Imports the private key of a PFX file.' }
            )
        }
        'Get-HsmVaultKey' = @{
            Synopsis    = 'Gets a vault''s keys, one key (or version) with its public key, or every version of a key.'
            Description = 'Without -Name (or with wildcards) it lists keys without key material. With -Name it gets the current (or -Version) key with its public parts; -OutFile writes the public key as PEM. A name that does not exist outputs nothing, as Get-AzKeyVaultKey does.'
            Parameters  = @{ Name = 'A key name; wildcards (pay*) filter the list.'; OutFile = 'Writes the public key (SubjectPublicKeyInfo PEM) to this file.'; Force = 'Overwrites -OutFile if it exists.' }
            Examples    = @(
                @{ Code = 'Get-HsmVaultKey -VaultName payments'; Remarks = 'Lists the keys.' }
                @{ Code = 'Get-HsmVaultKey -VaultName payments -Name payments-signing -OutFile ./signing.pub.pem'; Remarks = 'Writes the public key for a partner who verifies signatures.' }
                @{ Code = 'Get-HsmVaultKey -VaultName payments -Name payments-signing -IncludeVersions'; Remarks = 'Lists every version of the key.' }
                @{ Code = 'Get-HsmVaultKey -VaultName payments -InRemovedState | Undo-HsmVaultKeyRemoval'; Remarks = 'Recovers every deleted key of the vault.' }
            )
        }
        'Update-HsmVaultKey' = @{
            Synopsis    = 'Enables or disables a key version and changes its dates, operations or tags.'
            Description = 'As Update-AzKeyVaultKey. Changes the current version unless -Version (or a piped version) names another. Takes keys from the pipeline by property name.'
            Examples    = @( @{ Code = 'Get-HsmVaultKey -VaultName payments -Name old-* | Update-HsmVaultKey -Enable $false'; Remarks = 'Disables every key whose name starts with old-.' } )
        }
        'Set-HsmVaultSecret' = @{
            Synopsis    = 'Stores a new version of a secret from a SecureString.'
            Description = 'As Set-AzKeyVaultSecret. The value is encrypted in the HSM with the vault''s own key before it is stored; it is never written to the verbose or debug stream.'
            Parameters  = @{ Name = 'The secret''s name (1-127 letters, digits and hyphens).'; SecretValue = 'The value, as a SecureString (25 KB of UTF-8 at most).' }
            Examples    = @( @{ Code = 'Set-HsmVaultSecret -VaultName payments -Name db-password -SecretValue (Read-Host -AsSecureString) -ContentType text/plain'; Remarks = 'Stores a password typed at the prompt.' } )
        }
        'Get-HsmVaultSecret' = @{
            Synopsis    = 'Gets a vault''s secrets, one secret with its value, or every version of a secret.'
            Description = 'Lists never carry values. With -Name the value comes as a SecureString in SecretValue, or as a string with -AsPlainText. A name that does not exist outputs nothing, as Get-AzKeyVaultSecret does.'
            Parameters  = @{ Name = 'A secret name; wildcards filter the list.'; AsPlainText = 'Outputs only the value, as a string.' }
            Examples    = @(
                @{ Code = 'Get-HsmVaultSecret -VaultName payments -Name db-password -AsPlainText'; Remarks = 'Prints the value.' }
                @{ Code = 'Get-HsmVaultSecret -VaultName payments -Name db-password -IncludeVersions'; Remarks = 'Lists every version (no values).' }
            )
        }
        'Update-HsmVaultSecret' = @{
            Synopsis    = 'Changes a secret version''s attributes, content type or tags, never its value.'
            Description = 'As Update-AzKeyVaultSecret. To change the value, Set-HsmVaultSecret makes a new version.'
            Examples    = @( @{ Code = 'Get-HsmVaultSecret -VaultName payments -Name db-password -IncludeVersions | Update-HsmVaultSecret -Enable $false'; Remarks = 'Disables every version of the secret.' } )
        }
        'Remove-HsmVaultKey' = @{
            Synopsis    = 'Deletes a key (recoverable until its scheduled purge), or with -InRemovedState purges a deleted key for good.'
            Description = 'As Remove-AzKeyVaultKey. A deleted key keeps its name reserved and can be recovered with Undo-HsmVaultKeyRemoval until the vault''s retention ends. -InRemovedState destroys the deleted key''s HSM objects: it cannot be undone. ConfirmImpact High: asks unless -Force.'
            Parameters  = @{ InRemovedState = 'Purges the deleted key instead (permanently; needs the purge permission).'; PassThru = 'Outputs the deleted key (or $true after a purge).' }
            Examples    = @(
                @{ Code = 'Remove-HsmVaultKey -VaultName payments -Name old-signing -Force'; Remarks = 'Deletes the key; Get-HsmVaultKey -InRemovedState lists it.' }
                @{ Code = 'Remove-HsmVaultKey -VaultName payments -Name old-signing -InRemovedState'; Remarks = 'Purges the deleted key after a confirmation prompt.' }
            )
        }
        'Undo-HsmVaultKeyRemoval' = @{
            Synopsis    = 'Recovers a deleted key with all its versions.'
            Description = 'As Undo-AzKeyVaultKeyRemoval.'
            Examples    = @( @{ Code = 'Undo-HsmVaultKeyRemoval -VaultName payments -Name old-signing'; Remarks = 'Brings the key back.' } )
        }
        'Backup-HsmVaultKey' = @{
            Synopsis    = 'Writes a key''s protected backup (every version) to a file.'
            Description = 'As Backup-AzKeyVaultKey. The key material in the blob is wrapped inside the HSM by the deployment''s backup key; only a vault of the same deployment can restore it. Outputs the file''s path.'
            Parameters  = @{ OutputFile = 'The file to write; by default {vault}-{name}-{UTC time}.keybackup in the current folder.'; Force = 'Overwrites -OutputFile if it exists.' }
            Examples    = @( @{ Code = 'Backup-HsmVaultKey -VaultName payments -Name payments-signing -OutputFile ./payments-signing.keybackup'; Remarks = 'Backs the key up.' } )
        }
        'Restore-HsmVaultKey' = @{
            Synopsis    = 'Restores a key from a backup file.'
            Description = 'As Restore-AzKeyVaultKey: the name must not exist in the vault (purge a deleted one first).'
            Parameters  = @{ InputFile = 'A file written by Backup-HsmVaultKey.' }
            Examples    = @( @{ Code = 'Restore-HsmVaultKey -VaultName payments -InputFile ./payments-signing.keybackup'; Remarks = 'Restores the key with all its versions.' } )
        }
        'Invoke-HsmVaultKeyRotation' = @{
            Synopsis    = 'Rotates a key now: a new version with the same type and operations.'
            Description = 'As Invoke-AzKeyVaultKeyRotation. Needs the rotate permission. The new version''s expiry follows the key''s rotation policy (ExpiresIn).'
            Examples    = @( @{ Code = 'Get-HsmVaultKey -VaultName payments -Name payments-signing | Invoke-HsmVaultKeyRotation'; Remarks = 'Rotates the key.' } )
        }
        'Invoke-HsmVaultKeyOperation' = @{
            Synopsis    = 'Encrypts, decrypts, wraps or unwraps bytes with a key; the private or secret part stays in the HSM.'
            Description = 'As Invoke-AzKeyVaultKeyOperation. Without -Version the key''s current version is used; the result''s KeyId names the version, RawResult holds the bytes. Needs the encrypt, decrypt, wrapKey or unwrapKey permission (and get without -Version).'
            Parameters  = @{
                Operation      = 'Encrypt, Decrypt, Wrap or Unwrap.'
                Algorithm      = 'RSA-OAEP, RSA-OAEP-256 or RSA1_5 for RSA keys; A128KW, A192KW, A256KW (wrap) or A128GCM, A256GCM… for oct keys.'
                ByteArrayValue = 'The bytes to encrypt, decrypt, wrap or unwrap.'
            }
            Examples    = @(
                @{ Code = '$r = Invoke-HsmVaultKeyOperation -VaultName payments -Name wrap -Operation Encrypt -Algorithm RSA-OAEP -ByteArrayValue ([Text.Encoding]::UTF8.GetBytes(''hello''))'; Remarks = 'Encrypts five bytes with the current version of the wrap key.' }
                @{ Code = 'Invoke-HsmVaultKeyOperation -VaultName payments -Name wrap -Version $r.KeyId.Split(''/'')[-1] -Operation Decrypt -Algorithm RSA-OAEP -ByteArrayValue $r.RawResult'; Remarks = 'Decrypts them again with the same version.' }
            )
        }
        'Get-HsmVaultKeyRotationPolicy' = @{
            Synopsis    = 'Gets a key''s rotation policy.'
            Description = 'As Get-AzKeyVaultKeyRotationPolicy.'
            Examples    = @( @{ Code = 'Get-HsmVaultKeyRotationPolicy -VaultName payments -Name payments-signing'; Remarks = 'Shows when the key rotates.' } )
        }
        'Set-HsmVaultKeyRotationPolicy' = @{
            Synopsis    = 'Sets when a key rotates (or notifies) and how long new versions are valid.'
            Description = 'As Set-AzKeyVaultKeyRotationPolicy. The vault''s timer rotates keys whose rule is due.'
            Parameters  = @{
                KeyRotationLifetimeAction = 'Rules: @{ Action = ''Rotate''; TimeAfterCreate = ''P90D'' } or @{ Action = ''Notify''; TimeBeforeExpiry = ''P30D'' } (ISO 8601 durations).'
                ExpiresIn                 = 'How long a new version is valid, an ISO 8601 duration (P1Y).'
            }
            Examples    = @( @{ Code = 'Set-HsmVaultKeyRotationPolicy -VaultName payments -Name payments-signing -ExpiresIn P1Y -KeyRotationLifetimeAction @{ Action = ''Rotate''; TimeAfterCreate = ''P90D'' }'; Remarks = 'Rotates the key every 90 days; each version lives a year.' } )
        }
        'Remove-HsmVaultSecret' = @{
            Synopsis    = 'Deletes a secret (recoverable until its scheduled purge), or with -InRemovedState purges a deleted secret for good.'
            Description = 'As Remove-AzKeyVaultSecret. ConfirmImpact High: asks unless -Force.'
            Parameters  = @{ InRemovedState = 'Purges the deleted secret instead (permanently; needs the purge permission).'; PassThru = 'Outputs the deleted secret (never its value), or $true after a purge.' }
            Examples    = @( @{ Code = 'Remove-HsmVaultSecret -VaultName payments -Name db-password -Force'; Remarks = 'Deletes the secret.' } )
        }
        'Undo-HsmVaultSecretRemoval' = @{
            Synopsis    = 'Recovers a deleted secret with all its versions.'
            Description = 'As Undo-AzKeyVaultSecretRemoval.'
            Examples    = @( @{ Code = 'Undo-HsmVaultSecretRemoval -VaultName payments -Name db-password'; Remarks = 'Brings the secret back.' } )
        }
        'Backup-HsmVaultSecret' = @{
            Synopsis    = 'Writes a secret''s protected backup (every version) to a file.'
            Description = 'As Backup-AzKeyVaultSecret. Outputs the file''s path.'
            Parameters  = @{ OutputFile = 'The file to write; by default {vault}-{name}-{UTC time}.secretbackup in the current folder.'; Force = 'Overwrites -OutputFile if it exists.' }
            Examples    = @( @{ Code = 'Backup-HsmVaultSecret -VaultName payments -Name db-password -OutputFile ./db-password.secretbackup'; Remarks = 'Backs the secret up.' } )
        }
        'Restore-HsmVaultSecret' = @{
            Synopsis    = 'Restores a secret from a backup file.'
            Description = 'As Restore-AzKeyVaultSecret.'
            Parameters  = @{ InputFile = 'A file written by Backup-HsmVaultSecret.' }
            Examples    = @( @{ Code = 'Restore-HsmVaultSecret -VaultName payments -InputFile ./db-password.secretbackup'; Remarks = 'Restores the secret.' } )
        }
        'Get-HsmVaultAuditLog' = @{
            Synopsis    = 'Gets a vault''s audit records, newest first, filtered by key, caller, operation, result and time.'
            Description = 'Reads the auditor API (GET /management/audit/vaults/{vault}/records): the service filters, the cmdlet follows every page. Without -Since the last hour; a range spans 31 days at most. Needs the auditor role (HsmVault.Auditor) or the operator role: a vault''s access policies do not grant it (403 AccessDenied otherwise). Each record says who (Caller = object id, ApplicationId, Upn), what (OperationName, ObjectPath), the outcome (ResultType, ResultDescription = the error code, HttpStatusCode) and the CorrelationId of the request.'
            Parameters  = @{
                KeyName    = 'Only records of this key (every version). Tab completes the keys of -VaultName.'
                SecretName = 'Only records of this secret (every version).'
                Caller     = 'Only records of this caller: an object id, application id or UPN.'
                Operation  = 'Only this operation, e.g. KeySign, KeyCreate, SecretGet (tab completes the names).'
                Result     = 'Only this result: Success, Failure, or a vault error code such as AccessDenied or KeyNotFound.'
                Since      = 'Records from this time (default: an hour before -Until).'
                Until      = 'Records up to this time (default: now).'
                First      = 'At most this many records.'
                PageSize   = 'Records per request (1-1000, default 1000); the cmdlet reads every page either way.'
            }
            Examples    = @(
                @{ Code = 'Get-HsmVaultAuditLog -VaultName payments -KeyName payments-signing -Operation KeySign -Since (Get-Date).AddDays(-1)'; Remarks = 'Every signature made with payments-signing in the last day.' }
                @{ Code = 'Get-HsmVaultAuditLog -VaultName payments -Result Failure | Group-Object Caller, ResultDescription'; Remarks = 'Who failed to do what in the last hour.' }
            )
        }
        'Get-HsmVaultKeyUsage' = @{
            Synopsis    = 'Gets how a key was used: counts per hour or per day, by operation, caller and result.'
            Description = 'Reads the usage aggregates of the auditor API (GET /management/audit/vaults/{vault}/usage), not the records, so it is cheap over long ranges. Periods are whole UTC hours (or days); an hour that overlaps -Since counts entirely. Without -Since: the last 24 hours with -Granularity Hour (default), the last 7 days with Day. Needs the auditor or the operator role.'
            Parameters  = @{
                KeyName     = 'The key''s name. Tab completes the keys of -VaultName.'
                Since       = 'From this time (default: 24 hours or 7 days before -Until).'
                Until       = 'Up to this time (default: now).'
                Granularity = 'Hour (default) or Day.'
                Caller      = 'Only this caller''s counts (object id).'
            }
            Examples    = @(
                @{ Code = 'Get-HsmVaultKeyUsage -VaultName payments -KeyName payments-signing'; Remarks = 'Operations on the key per hour over the last 24 hours, one row per operation, caller and result.' }
                @{ Code = 'Get-HsmVaultKeyUsage -VaultName payments -KeyName payments-signing -Granularity Day | Group-Object Caller | Select-Object Name, @{ n = ''Total''; e = { ($_.Group | Measure-Object Count -Sum).Sum } }'; Remarks = 'How many operations each caller did with the key per day over the last 7 days, summed per caller.' }
            )
        }
        'Export-HsmVaultAuditLog' = @{
            Synopsis    = 'Writes one vault-hour of audit records to a file, as Key Vault''s classic PT1H.json document.'
            Description = 'Reads GET /management/audit/vaults/{vault}/export?hour=… and writes the answer as received, {"records":[…]} oldest first, for tools that read Key Vault''s diagnostic logs and for keeping offline. Outputs the file. The proof that nothing was removed or altered is checked on the stored log by hsmvault audit verify with the key from Get-HsmVaultAuditSigningKey. Needs the auditor or the operator role.'
            Parameters  = @{
                Hour  = 'Any time within the hour to export (UTC hours).'
                Path  = 'The file to write.'
                Force = 'Overwrites -Path if it exists.'
            }
            Examples    = @( @{ Code = 'Export-HsmVaultAuditLog -VaultName payments -Hour (Get-Date).AddHours(-1) -Path ./payments-last-hour.json'; Remarks = 'Writes the previous hour''s records of the payments vault.' } )
        }
        'Get-HsmVaultAuditSigningKey' = @{
            Synopsis    = 'Gets the deployment''s audit signing public key (PEM), for hsmvault audit verify.'
            Description = 'The HSM signs each audit chain''s head with this EC P-256 key; hsmvault audit verify --public-key checks the stored log with it, offline. Outputs the PEM text; -OutFile writes it to a file too. Needs the auditor or the operator role.'
            Parameters  = @{ OutFile = 'Also writes the PEM to this file.'; Force = 'Overwrites -OutFile if it exists.' }
            Examples    = @( @{ Code = 'Get-HsmVaultAuditSigningKey -OutFile ./audit-key.pem
dotnet run --project tools/HsmVault.Cli -- audit verify --connection-string $env:STORAGE --public-key ./audit-key.pem'; Remarks = 'Saves the key and verifies the stored audit log with it.' } )
        }
    }
}
