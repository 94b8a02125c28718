# Key and secret lifecycle cmdlets against the test host: what each one does is checked by what the vault does afterwards
# (a deleted key cannot encrypt, a recovered or restored one decrypts what it encrypted before, a purged name is free).
BeforeAll {
    Import-Module "$PSScriptRoot/TestHost.psm1" -Force
    Assert-TestHost
    Import-Module (Get-TestModulePath) -Force
    Connect-TestPrincipal operator -Quiet
    $vault = New-TestName 'psl'
    $retention = 9
    New-HsmVault -Name $vault -SoftDeleteRetentionInDays $retention | Out-Null
    Set-HsmVaultAccessPolicy -VaultName $vault -ObjectId (Get-TestOid operator) -PermissionsToKeys all -PermissionsToSecrets all
    $work = Join-Path ([IO.Path]::GetTempPath()) (New-TestName 'pslife')
    New-Item -ItemType Directory $work | Out-Null
    $plain = [Text.Encoding]::UTF8.GetBytes('lifecycle plaintext')

    function Protect-Bytes([string] $Name, [string] $Version) {
        $call = @{ VaultName = $vault; Name = $Name; Operation = 'Encrypt'; Algorithm = 'RSA-OAEP'; ByteArrayValue = $plain }
        if ($Version) { $call.Version = $Version }
        Invoke-HsmVaultKeyOperation @call -ErrorAction Stop
    }
    function Unprotect-Bytes([string] $Name, $Encrypted) {
        $version = $Encrypted.KeyId.Split('/')[-1]
        $r = Invoke-HsmVaultKeyOperation -VaultName $vault -Name $Name -Version $version -Operation Decrypt -Algorithm RSA-OAEP `
            -ByteArrayValue $Encrypted.RawResult -ErrorAction Stop
        [Text.Encoding]::UTF8.GetString($r.RawResult)
    }
}

Describe 'Invoke-HsmVaultKeyOperation' {
    It 'encrypts with the current version and decrypts in the HSM; wraps and unwraps' {
        $key = Add-HsmVaultKey -VaultName $vault -Name 'ops' -KeyType RSA
        $encrypted = Protect-Bytes 'ops'
        $encrypted.KeyId | Should -Be $key.Id
        $encrypted.Algorithm | Should -Be 'RSA-OAEP'
        $encrypted.RawResult.Length | Should -Be 256
        Unprotect-Bytes 'ops' $encrypted | Should -Be 'lifecycle plaintext'
        $aes = [byte[]](1..32)
        $wrapped = Invoke-HsmVaultKeyOperation -VaultName $vault -Name 'ops' -Operation Wrap -Algorithm RSA-OAEP-256 -ByteArrayValue $aes
        $unwrapped = Invoke-HsmVaultKeyOperation -VaultName $vault -Name 'ops' -Operation Unwrap -Algorithm RSA-OAEP-256 -ByteArrayValue $wrapped.RawResult
        $unwrapped.RawResult | Should -Be $aes
    }
}

Describe 'Key lifecycle cmdlets' {
    BeforeAll {
        $gone = Add-HsmVaultKey -VaultName $vault -Name 'gone' -KeyType RSA
        $goneCipher = Protect-Bytes 'gone'
    }

    It 'Remove-HsmVaultKey is ConfirmImpact High and -WhatIf deletes nothing' {
        (Get-Command Remove-HsmVaultKey).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact | Should -Be 'High'
        Remove-HsmVaultKey -VaultName $vault -Name 'gone' -WhatIf
        Get-HsmVaultKey -VaultName $vault -Name 'gone' | Should -Not -BeNullOrEmpty
        Get-HsmVaultKey -VaultName $vault -Name 'gone' -InRemovedState | Should -BeNullOrEmpty
    }

    It 'soft-deletes a piped key: gone from Get-HsmVaultKey, listed with -InRemovedState, unusable, its name reserved' {
        $deleted = Get-HsmVaultKey -VaultName $vault -Name 'gone' | Remove-HsmVaultKey -Force -PassThru
        $deleted | Should -BeOfType 'HsmVault.PowerShell.Models.PSHsmVaultDeletedKey'
        $deleted.Name | Should -Be 'gone'
        $deleted.Version | Should -Be $gone.Version
        $deleted.DeletedDate | Should -BeLessOrEqual ([DateTime]::UtcNow.AddMinutes(1))
        ($deleted.ScheduledPurgeDate - $deleted.DeletedDate).TotalDays | Should -Be $retention
        Get-HsmVaultKey -VaultName $vault -Name 'gone' | Should -BeNullOrEmpty
        (Get-HsmVaultKey -VaultName $vault).Name | Should -Not -Contain 'gone'
        (Get-HsmVaultKey -VaultName $vault -InRemovedState).Name | Should -Contain 'gone'
        (Get-HsmVaultKey -VaultName $vault -Name 'go*' -InRemovedState).Name | Should -Be @('gone')
        (Get-HsmVaultKey -VaultName $vault -Name 'gone' -InRemovedState).RecoveryId | Should -BeLike "*/deletedkeys/gone"

        { Protect-Bytes 'gone' $gone.Version } | Should -Throw
        Add-HsmVaultKey -VaultName $vault -Name 'gone' -KeyType RSA -ErrorAction SilentlyContinue -ErrorVariable e
        $e[0].CategoryInfo.Category | Should -Be 'ResourceExists'
    }

    It 'Undo-HsmVaultKeyRemoval -WhatIf recovers nothing; piped from -InRemovedState it brings back the key, which decrypts again' {
        Undo-HsmVaultKeyRemoval -VaultName $vault -Name 'gone' -WhatIf
        Get-HsmVaultKey -VaultName $vault -Name 'gone' | Should -BeNullOrEmpty
        $back = Get-HsmVaultKey -VaultName $vault -Name 'gone' -InRemovedState | Undo-HsmVaultKeyRemoval
        $back | Should -BeOfType 'HsmVault.PowerShell.Models.PSHsmVaultKey'
        $back.Version | Should -Be $gone.Version
        $back.Key.N | Should -Be $gone.Key.N
        Get-HsmVaultKey -VaultName $vault -Name 'gone' -InRemovedState | Should -BeNullOrEmpty
        Unprotect-Bytes 'gone' $goneCipher | Should -Be 'lifecycle plaintext'
        Unprotect-Bytes 'gone' (Protect-Bytes 'gone') | Should -Be 'lifecycle plaintext'
    }

    It 'purges a deleted key with -InRemovedState (-WhatIf purges nothing); the name is free for a new key' {
        Remove-HsmVaultKey -VaultName $vault -Name 'gone' -Force
        (Get-Command Remove-HsmVaultKey).Parameters['InRemovedState'] | Should -Not -BeNullOrEmpty
        Remove-HsmVaultKey -VaultName $vault -Name 'gone' -InRemovedState -WhatIf
        Get-HsmVaultKey -VaultName $vault -Name 'gone' -InRemovedState | Should -Not -BeNullOrEmpty
        Remove-HsmVaultKey -VaultName $vault -Name 'gone' -InRemovedState -Force -PassThru | Should -BeTrue
        Get-HsmVaultKey -VaultName $vault -Name 'gone' -InRemovedState | Should -BeNullOrEmpty
        Get-HsmVaultKey -VaultName $vault -Name 'gone' | Should -BeNullOrEmpty
        Undo-HsmVaultKeyRemoval -VaultName $vault -Name 'gone' -ErrorAction SilentlyContinue -ErrorVariable e
        $e[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $fresh = Add-HsmVaultKey -VaultName $vault -Name 'gone' -KeyType RSA
        $fresh.Key.N | Should -Not -Be $gone.Key.N
        (Get-HsmVaultKey -VaultName $vault -Name 'gone' -IncludeVersions).Count | Should -Be 1
    }

    It 'a principal without the purge permission gets a PermissionDenied ErrorRecord and the deleted key stays' {
        Add-HsmVaultKey -VaultName $vault -Name 'kept' -KeyType EC | Out-Null
        Remove-HsmVaultKey -VaultName $vault -Name 'kept' -Force
        Set-HsmVaultAccessPolicy -VaultName $vault -ObjectId (Get-TestOid app) -PermissionsToKeys get, list, delete
        try {
            Connect-TestPrincipal app -Quiet
            Remove-HsmVaultKey -VaultName $vault -Name 'kept' -InRemovedState -Force -ErrorAction SilentlyContinue -ErrorVariable e
        }
        finally { Connect-TestPrincipal operator -Quiet }
        $e[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $e[0].FullyQualifiedErrorId | Should -BeLike 'AccessDenied,*'
        $e[0].Exception.Message | Should -Match 'purge'
        Get-HsmVaultKey -VaultName $vault -Name 'kept' -InRemovedState | Should -Not -BeNullOrEmpty
    }

    It 'backs up every version to a file (-WhatIf writes none) that restores after a purge and decrypts what it encrypted' {
        $v1 = Add-HsmVaultKey -VaultName $vault -Name 'saved' -KeyType RSA
        $v2 = Add-HsmVaultKey -VaultName $vault -Name 'saved' -KeyType RSA
        $cipher1 = Protect-Bytes 'saved' $v1.Version
        Backup-HsmVaultKey -VaultName $vault -Name 'saved' -OutputFile "$work/whatif.keybackup" -WhatIf
        Test-Path "$work/whatif.keybackup" | Should -BeFalse
        $file = Get-HsmVaultKey -VaultName $vault -Name 'saved' | Backup-HsmVaultKey -OutputFile "$work/saved.keybackup"
        $file | Should -Be "$work/saved.keybackup"
        (Get-Item $file).Length | Should -BeGreaterThan 100
        { Backup-HsmVaultKey -VaultName $vault -Name 'saved' -OutputFile $file -ErrorAction Stop } | Should -Throw '*-Force*'

        Restore-HsmVaultKey -VaultName $vault -InputFile $file -ErrorAction SilentlyContinue -ErrorVariable e
        $e[0].CategoryInfo.Category | Should -Be 'ResourceExists'

        Remove-HsmVaultKey -VaultName $vault -Name 'saved' -Force
        Remove-HsmVaultKey -VaultName $vault -Name 'saved' -InRemovedState -Force
        Restore-HsmVaultKey -VaultName $vault -InputFile $file -WhatIf
        Get-HsmVaultKey -VaultName $vault -Name 'saved' | Should -BeNullOrEmpty
        $restored = Restore-HsmVaultKey -VaultName $vault -InputFile $file
        $restored.Version | Should -Be $v2.Version
        $restored.Key.N | Should -Be $v2.Key.N
        (Get-HsmVaultKey -VaultName $vault -Name 'saved' -IncludeVersions).Version | Sort-Object | Should -Be (@($v1.Version, $v2.Version) | Sort-Object)
        Unprotect-Bytes 'saved' $cipher1 | Should -Be 'lifecycle plaintext'
    }

    It 'Invoke-HsmVaultKeyRotation makes a new current version (-WhatIf none); old versions still decrypt' {
        $before = Get-HsmVaultKey -VaultName $vault -Name 'saved'
        $cipher = Protect-Bytes 'saved'
        Invoke-HsmVaultKeyRotation -VaultName $vault -Name 'saved' -WhatIf
        (Get-HsmVaultKey -VaultName $vault -Name 'saved').Version | Should -Be $before.Version
        $after = Get-HsmVaultKey -VaultName $vault -Name 'saved' | Invoke-HsmVaultKeyRotation
        $after.Version | Should -Not -Be $before.Version
        $after.Key.N | Should -Not -Be $before.Key.N
        $after.KeyType | Should -Be $before.KeyType
        $after.KeySize | Should -Be $before.KeySize
        (Get-HsmVaultKey -VaultName $vault -Name 'saved').Version | Should -Be $after.Version
        (Get-HsmVaultKey -VaultName $vault -Name 'saved' -IncludeVersions).Version | Should -Contain $before.Version
        (Protect-Bytes 'saved').KeyId | Should -Be $after.Id
        Unprotect-Bytes 'saved' $cipher | Should -Be 'lifecycle plaintext'
    }

    It 'a rotation policy round-trips (-WhatIf changes nothing) and its ExpiresIn dates the next rotation''s version' {
        $policy = Set-HsmVaultKeyRotationPolicy -VaultName $vault -Name 'saved' -ExpiresIn 'P2Y' -KeyRotationLifetimeAction @(
            @{ Action = 'Rotate'; TimeAfterCreate = 'P90D' }, @{ Action = 'Notify'; TimeBeforeExpiry = 'P30D' })
        $policy | Should -BeOfType 'HsmVault.PowerShell.Models.PSHsmVaultKeyRotationPolicy'
        $policy.ExpiresIn | Should -Be 'P2Y'
        $got = Get-HsmVaultKey -VaultName $vault -Name 'saved' | Get-HsmVaultKeyRotationPolicy
        $got.KeyName | Should -Be 'saved'
        $got.ExpiresIn | Should -Be 'P2Y'
        $rotate = $got.LifetimeActions | Where-Object Action -eq 'Rotate'
        $rotate.TimeAfterCreate | Should -Be 'P90D'
        ($got.LifetimeActions | Where-Object Action -eq 'Notify').TimeBeforeExpiry | Should -Be 'P30D'

        Set-HsmVaultKeyRotationPolicy -VaultName $vault -Name 'saved' -ExpiresIn 'P1Y' -WhatIf
        (Get-HsmVaultKeyRotationPolicy -VaultName $vault -Name 'saved').ExpiresIn | Should -Be 'P2Y'

        $rotated = Invoke-HsmVaultKeyRotation -VaultName $vault -Name 'saved'
        $rotated.Expires | Should -Not -BeNullOrEmpty
        ($rotated.Expires - [DateTime]::UtcNow).TotalDays | Should -BeGreaterThan 720
        ($rotated.Expires - [DateTime]::UtcNow).TotalDays | Should -BeLessThan 740
    }

    It 'a bad rotation policy is an InvalidArgument ErrorRecord and keeps the old policy' {
        Set-HsmVaultKeyRotationPolicy -VaultName $vault -Name 'saved' -ExpiresIn 'soon' -ErrorAction SilentlyContinue -ErrorVariable e
        $e[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        (Get-HsmVaultKeyRotationPolicy -VaultName $vault -Name 'saved').ExpiresIn | Should -Be 'P2Y'
    }
}

Describe 'Secret lifecycle cmdlets' {
    It 'deletes a piped secret (-WhatIf none): no value, unreadable, name reserved; Undo brings its value back' {
        $one = ConvertTo-SecureString 'v1' -AsPlainText -Force
        Set-HsmVaultSecret -VaultName $vault -Name 'life' -SecretValue $one | Out-Null
        Remove-HsmVaultSecret -VaultName $vault -Name 'life' -WhatIf
        Get-HsmVaultSecret -VaultName $vault -Name 'life' -AsPlainText | Should -Be 'v1'
        $deleted = Get-HsmVaultSecret -VaultName $vault -Name 'life' | Remove-HsmVaultSecret -Force -PassThru
        $deleted | Should -BeOfType 'HsmVault.PowerShell.Models.PSHsmVaultDeletedSecret'
        $deleted.PSObject.Properties.Name | Should -Not -Contain 'SecretValue'
        ($deleted.ScheduledPurgeDate - $deleted.DeletedDate).TotalDays | Should -Be $retention
        Get-HsmVaultSecret -VaultName $vault -Name 'life' | Should -BeNullOrEmpty
        (Get-HsmVaultSecret -VaultName $vault).Name | Should -Not -Contain 'life'
        (Get-HsmVaultSecret -VaultName $vault -InRemovedState).Name | Should -Contain 'life'
        (Get-HsmVaultSecret -VaultName $vault -Name 'life' -InRemovedState).RecoveryId | Should -BeLike '*/deletedsecrets/life'
        Set-HsmVaultSecret -VaultName $vault -Name 'life' -SecretValue $one -ErrorAction SilentlyContinue -ErrorVariable e
        $e[0].CategoryInfo.Category | Should -Be 'ResourceExists'

        Undo-HsmVaultSecretRemoval -VaultName $vault -Name 'life' -WhatIf
        Get-HsmVaultSecret -VaultName $vault -Name 'life' | Should -BeNullOrEmpty
        (Get-HsmVaultSecret -VaultName $vault -Name 'life' -InRemovedState | Undo-HsmVaultSecretRemoval).Name | Should -Be 'life'
        Get-HsmVaultSecret -VaultName $vault -Name 'life' -AsPlainText | Should -Be 'v1'
    }

    It 'backs up every version, purges (-WhatIf none) and restores the values; the name is free after the purge' {
        # Long enough that a random blob cannot contain it by chance (a two-letter value sometimes did).
        $v2 = 'v2-' + [Guid]::NewGuid().ToString('N')
        Set-HsmVaultSecret -VaultName $vault -Name 'life' -SecretValue (ConvertTo-SecureString $v2 -AsPlainText -Force) | Out-Null
        $file = Backup-HsmVaultSecret -VaultName $vault -Name 'life' -OutputFile "$work/life.secretbackup"
        [IO.File]::ReadAllText($file).Contains($v2) | Should -BeFalse
        Remove-HsmVaultSecret -VaultName $vault -Name 'life' -Force
        Remove-HsmVaultSecret -VaultName $vault -Name 'life' -InRemovedState -WhatIf
        Get-HsmVaultSecret -VaultName $vault -Name 'life' -InRemovedState | Should -Not -BeNullOrEmpty
        Remove-HsmVaultSecret -VaultName $vault -Name 'life' -InRemovedState -Force -PassThru | Should -BeTrue
        Get-HsmVaultSecret -VaultName $vault -Name 'life' -InRemovedState | Should -BeNullOrEmpty
        Get-HsmVaultSecret -VaultName $vault -Name 'life' | Should -BeNullOrEmpty
        $restored = Restore-HsmVaultSecret -VaultName $vault -InputFile $file
        $restored.Name | Should -Be 'life'
        $restored.PSObject.Properties.Name | Should -Not -Contain 'SecretValue'
        Get-HsmVaultSecret -VaultName $vault -Name 'life' -AsPlainText | Should -Be $v2
        $versions = Get-HsmVaultSecret -VaultName $vault -Name 'life' -IncludeVersions
        $versions.Count | Should -Be 2
        $old = $versions | Where-Object Version -ne $restored.Version
        Get-HsmVaultSecret -VaultName $vault -Name 'life' -Version $old.Version -AsPlainText | Should -Be 'v1'
    }

    It 'never writes a secret value to the verbose or debug stream of a lifecycle cmdlet' {
        $secret = 'vErBoSe-' + [Guid]::NewGuid().ToString('N')
        Set-HsmVaultSecret -VaultName $vault -Name 'quiet' -SecretValue (ConvertTo-SecureString $secret -AsPlainText -Force) | Out-Null
        $streams = & {
            $VerbosePreference = 'Continue'; $DebugPreference = 'Continue'
            Backup-HsmVaultSecret -VaultName $vault -Name 'quiet' -OutputFile "$work/quiet.secretbackup" -Verbose -Debug | Out-Null
            Remove-HsmVaultSecret -VaultName $vault -Name 'quiet' -Force -PassThru -Verbose -Debug | Out-Null
            Undo-HsmVaultSecretRemoval -VaultName $vault -Name 'quiet' -Verbose -Debug | Out-Null
            Remove-HsmVaultSecret -VaultName $vault -Name 'quiet' -Force -Verbose -Debug
            Remove-HsmVaultSecret -VaultName $vault -Name 'quiet' -InRemovedState -Force -Verbose -Debug
            Restore-HsmVaultSecret -VaultName $vault -InputFile "$work/quiet.secretbackup" -Verbose -Debug | Out-Null
        } 4>&1 5>&1 | ForEach-Object { "$_" }
        ($streams -join "`n") | Should -Match 'x-ms-request-id: [0-9a-f-]{36}'
        ($streams -join "`n") | Should -Not -Match ([regex]::Escape($secret))
        Get-HsmVaultSecret -VaultName $vault -Name 'quiet' -AsPlainText | Should -Be $secret
    }
}

AfterAll {
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
    Remove-HsmVault -VaultName $vault -Force -ErrorAction SilentlyContinue
}
