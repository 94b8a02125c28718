# Vault soft delete, recovery and purge through the management API, checked by what the vault serves afterwards.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHost.psm1" -Force
    Assert-TestHost
    Import-Module (Get-TestModulePath) -Force
    Connect-TestPrincipal operator -Quiet
    $operator = Get-TestOid operator
    $vault = New-TestName 'psr'
    New-HsmVault -Name $vault -SoftDeleteRetentionInDays 7 -Tag @{ team = 'ops' } | Out-Null
    Set-HsmVaultAccessPolicy -VaultName $vault -ObjectId $operator -PermissionsToKeys all -PermissionsToSecrets all
    $key = Add-HsmVaultKey -VaultName $vault -Name 'k' -KeyType RSA
    $plain = [byte[]](1..16)
    $cipher = Invoke-HsmVaultKeyOperation -VaultName $vault -Name 'k' -Operation Encrypt -Algorithm RSA-OAEP -ByteArrayValue $plain
    Set-HsmVaultSecret -VaultName $vault -Name 's' -SecretValue (ConvertTo-SecureString 'kept' -AsPlainText -Force) | Out-Null
}

Describe 'Vault removal cmdlets' {
    It 'Remove-HsmVault -WhatIf leaves the vault serving' {
        Remove-HsmVault -VaultName $vault -WhatIf
        (Get-HsmVault).VaultName | Should -Contain $vault
        Get-HsmVault -InRemovedState -VaultName $vault | Should -BeNullOrEmpty
        Get-HsmVaultSecret -VaultName $vault -Name 's' -AsPlainText | Should -Be 'kept'
    }

    It 'soft-deletes a piped vault: not listed, not served, listed with -InRemovedState, its name reserved' {
        Get-HsmVault -VaultName $vault | Remove-HsmVault -Force -PassThru | Should -BeTrue
        (Get-HsmVault).VaultName | Should -Not -Contain $vault
        Get-HsmVault -VaultName $vault -ErrorAction SilentlyContinue -ErrorVariable e | Should -BeNullOrEmpty
        $e[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $deleted = Get-HsmVault -InRemovedState -VaultName $vault
        $deleted | Should -BeOfType 'HsmVault.PowerShell.Models.PSHsmVaultDeletedVault'
        $deleted.VaultName | Should -Be $vault
        $deleted.ResourceId | Should -BeLike "*/vaults/$vault"
        $deleted.DeletionDate | Should -BeLessOrEqual ([DateTime]::UtcNow.AddMinutes(1))
        ($deleted.ScheduledPurgeDate - $deleted.DeletionDate).TotalDays | Should -Be 7
        $deleted.Tags['team'] | Should -Be 'ops'
        (Get-HsmVault -InRemovedState).VaultName | Should -Contain $vault
        (Get-HsmVault -InRemovedState -VaultName 'psr*').VaultName | Should -Contain $vault
        Get-HsmVault -InRemovedState -VaultName 'psnotdeleted1' | Should -BeNullOrEmpty

        # the data plane stops serving within the snapshot's staleness bound: its host name addresses no vault
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        do {
            $listed = Get-HsmVaultSecret -VaultName $vault -ErrorAction SilentlyContinue -ErrorVariable e
            if ($e) { break }
            Start-Sleep -Milliseconds 200
        } while ([DateTime]::UtcNow -lt $deadline)
        $listed | Should -BeNullOrEmpty
        $e[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $e[0].FullyQualifiedErrorId | Should -BeLike 'VaultNotFound,*'

        New-HsmVault -Name $vault -ErrorAction SilentlyContinue -ErrorVariable e | Should -BeNullOrEmpty
        $e[0].CategoryInfo.Category | Should -Be 'ResourceExists'
    }

    It 'Undo-HsmVaultRemoval -WhatIf recovers nothing; piped from -InRemovedState it brings back keys, secrets and access' {
        Undo-HsmVaultRemoval -VaultName $vault -WhatIf
        Get-HsmVault -InRemovedState -VaultName $vault | Should -Not -BeNullOrEmpty
        $back = Get-HsmVault -InRemovedState -VaultName $vault | Undo-HsmVaultRemoval -Tag @{ team = 'back' }
        $back | Should -BeOfType 'HsmVault.PowerShell.Models.PSHsmVault'
        $back.VaultName | Should -Be $vault
        $back.Tags['team'] | Should -Be 'back'
        Get-HsmVault -InRemovedState -VaultName $vault | Should -BeNullOrEmpty
        (Get-HsmVault -VaultName $vault).AccessPolicies.ObjectId | Should -Contain $operator

        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        do {
            $value = Get-HsmVaultSecret -VaultName $vault -Name 's' -AsPlainText -ErrorAction SilentlyContinue
            if ($value) { break }
            Start-Sleep -Milliseconds 200
        } while ([DateTime]::UtcNow -lt $deadline)
        $value | Should -Be 'kept'
        (Get-HsmVaultKey -VaultName $vault -Name 'k').Version | Should -Be $key.Version
        $decrypted = Invoke-HsmVaultKeyOperation -VaultName $vault -Name 'k' -Version $key.Version -Operation Decrypt -Algorithm RSA-OAEP -ByteArrayValue $cipher.RawResult
        $decrypted.RawResult | Should -Be $plain
    }

    It 'Remove-HsmVault -InRemovedState purges (-WhatIf none): the name then makes a new, empty vault' {
        # read just before: the purge must also drop the service's recent reads of the vault's rows
        Get-HsmVaultSecret -VaultName $vault -Name 's' -AsPlainText | Should -Be 'kept'
        (Get-HsmVaultKey -VaultName $vault -Name 'k').Version | Should -Be $key.Version
        Remove-HsmVault -VaultName $vault -Force
        Remove-HsmVault -VaultName $vault -InRemovedState -WhatIf
        Get-HsmVault -InRemovedState -VaultName $vault | Should -Not -BeNullOrEmpty
        Get-HsmVault -InRemovedState -VaultName $vault | Remove-HsmVault -InRemovedState -Force -PassThru | Should -BeTrue
        Get-HsmVault -InRemovedState -VaultName $vault | Should -BeNullOrEmpty

        $fresh = New-HsmVault -Name $vault
        $fresh.AccessPolicies.ObjectId | Should -Not -Contain $operator
        $fresh.Tags.Count | Should -Be 0
        Set-HsmVaultAccessPolicy -VaultName $vault -ObjectId $operator -PermissionsToKeys all -PermissionsToSecrets all
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        do {
            $keys = @(Get-HsmVaultKey -VaultName $vault -ErrorAction SilentlyContinue -ErrorVariable e)
            if (-not $e) { break }
            Start-Sleep -Milliseconds 100
        } while ([DateTime]::UtcNow -lt $deadline)
        $e | Should -BeNullOrEmpty
        Get-HsmVaultSecret -VaultName $vault -Name 's' -ErrorAction Stop | Should -BeNullOrEmpty
        Get-HsmVaultKey -VaultName $vault -Name 'k' -ErrorAction Stop | Should -BeNullOrEmpty
        Get-HsmVaultKey -VaultName $vault -Name 'k' -Version $key.Version -ErrorAction Stop | Should -BeNullOrEmpty
        $keys.Count | Should -Be 0
        @(Get-HsmVaultKey -VaultName $vault -InRemovedState).Count | Should -Be 0
        @(Get-HsmVaultSecret -VaultName $vault -InRemovedState).Count | Should -Be 0
        Undo-HsmVaultRemoval -VaultName (New-TestName 'psn') -ErrorAction SilentlyContinue -ErrorVariable e
        $e[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'purge protection (New- or Update-HsmVault -EnablePurgeProtection) refuses the purge with a PermissionDenied ErrorRecord' {
        $protected = New-TestName 'psp'
        (New-HsmVault -Name $protected).EnablePurgeProtection | Should -BeFalse
        (Update-HsmVault -VaultName $protected -EnablePurgeProtection).EnablePurgeProtection | Should -BeTrue
        Remove-HsmVault -VaultName $protected -Force
        (Get-HsmVault -InRemovedState -VaultName $protected).PurgeProtectionEnabled | Should -BeTrue
        Remove-HsmVault -VaultName $protected -InRemovedState -Force -ErrorAction SilentlyContinue -ErrorVariable e
        $e[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $e[0].Exception.Message | Should -Match 'purge protection'
        Get-HsmVault -InRemovedState -VaultName $protected | Should -Not -BeNullOrEmpty
        (Undo-HsmVaultRemoval -VaultName $protected).EnablePurgeProtection | Should -BeTrue
        (New-HsmVault -Name (New-TestName 'psp') -EnablePurgeProtection).EnablePurgeProtection | Should -BeTrue
    }
}

AfterAll {
    Remove-HsmVault -VaultName $vault -Force -ErrorAction SilentlyContinue
}
