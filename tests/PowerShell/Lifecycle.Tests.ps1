BeforeAll {
    Import-Module "$PSScriptRoot/TestHost.psm1" -Force
    Assert-TestHost
    Import-Module (Get-TestModulePath) -Force
    Connect-TestPrincipal operator -Quiet
    $vault = New-TestName 'psl'
    New-HsmVault -Name $vault | Out-Null
    Set-HsmVaultAccessPolicy -VaultName $vault -ObjectId (Get-TestOid operator) -PermissionsToKeys all -PermissionsToSecrets all
    $work = Join-Path ([IO.Path]::GetTempPath()) (New-TestName 'pslife')
    New-Item -ItemType Directory $work | Out-Null
}

Describe 'Key lifecycle cmdlets' {
    It 'Remove-HsmVaultKey is ConfirmImpact High and -WhatIf deletes nothing' {
        Add-HsmVaultKey -VaultName $vault -Name 'gone' -KeyType EC | Out-Null
        (Get-Command Remove-HsmVaultKey).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact | Should -Be 'High'
        Remove-HsmVaultKey -VaultName $vault -Name 'gone' -WhatIf
        Get-HsmVaultKey -VaultName $vault -Name 'gone' | Should -Not -BeNullOrEmpty
    }

    It 'soft-deletes (piped), lists with -InRemovedState, recovers with Undo-HsmVaultKeyRemoval' {
        $deleted = Get-HsmVaultKey -VaultName $vault -Name 'gone' | Remove-HsmVaultKey -Force -PassThru
        $deleted.Name | Should -Be 'gone'
        $deleted.ScheduledPurgeDate | Should -BeGreaterThan ([DateTime]::UtcNow)
        Get-HsmVaultKey -VaultName $vault -Name 'gone' | Should -BeNullOrEmpty
        (Get-HsmVaultKey -VaultName $vault -InRemovedState).Name | Should -Contain 'gone'
        (Get-HsmVaultKey -VaultName $vault -Name 'gone' -InRemovedState).RecoveryId | Should -Not -BeNullOrEmpty
        (Undo-HsmVaultKeyRemoval -VaultName $vault -Name 'gone').Name | Should -Be 'gone'
        Get-HsmVaultKey -VaultName $vault -Name 'gone' | Should -Not -BeNullOrEmpty
    }

    It 'purges a deleted key with -InRemovedState; -WhatIf purges nothing' {
        Remove-HsmVaultKey -VaultName $vault -Name 'gone' -Force
        Remove-HsmVaultKey -VaultName $vault -Name 'gone' -InRemovedState -WhatIf
        Get-HsmVaultKey -VaultName $vault -Name 'gone' -InRemovedState | Should -Not -BeNullOrEmpty
        Remove-HsmVaultKey -VaultName $vault -Name 'gone' -InRemovedState -Force -PassThru | Should -BeTrue
        Get-HsmVaultKey -VaultName $vault -Name 'gone' -InRemovedState | Should -BeNullOrEmpty
    }

    It 'backs up to a file and restores it' {
        $key = Add-HsmVaultKey -VaultName $vault -Name 'saved' -KeyType RSA
        $file = Backup-HsmVaultKey -VaultName $vault -Name 'saved' -OutputFile "$work/saved.keybackup"
        $file | Should -Be "$work/saved.keybackup"
        (Get-Item $file).Length | Should -BeGreaterThan 100
        { Backup-HsmVaultKey -VaultName $vault -Name 'saved' -OutputFile $file -ErrorAction Stop } | Should -Throw '*-Force*'
        Remove-HsmVaultKey -VaultName $vault -Name 'saved' -Force
        Remove-HsmVaultKey -VaultName $vault -Name 'saved' -InRemovedState -Force
        $restored = Restore-HsmVaultKey -VaultName $vault -InputFile $file
        $restored.Version | Should -Be $key.Version
        $restored.Key.N | Should -Be $key.Key.N
    }

    It 'rotates a key now and keeps a rotation policy' {
        $before = Get-HsmVaultKey -VaultName $vault -Name 'saved'
        $after = Get-HsmVaultKey -VaultName $vault -Name 'saved' | Invoke-HsmVaultKeyRotation
        $after.Version | Should -Not -Be $before.Version
        (Get-HsmVaultKey -VaultName $vault -Name 'saved' -IncludeVersions).Count | Should -Be 2
        $policy = Set-HsmVaultKeyRotationPolicy -VaultName $vault -Name 'saved' -ExpiresIn 'P2Y' -KeyRotationLifetimeAction @{ Action = 'Rotate'; TimeAfterCreate = 'P90D' }
        $policy.ExpiresIn | Should -Be 'P2Y'
        $got = Get-HsmVaultKeyRotationPolicy -VaultName $vault -Name 'saved'
        $got.LifetimeActions[0].Action | Should -Be 'Rotate'
        $got.LifetimeActions[0].TimeAfterCreate | Should -Be 'P90D'
        Set-HsmVaultKeyRotationPolicy -VaultName $vault -Name 'saved' -ExpiresIn 'P1Y' -WhatIf
        (Get-HsmVaultKeyRotationPolicy -VaultName $vault -Name 'saved').ExpiresIn | Should -Be 'P2Y'
    }
}

Describe 'Secret lifecycle cmdlets' {
    It 'deletes, lists deleted, recovers, backs up, purges and restores a secret' {
        Set-HsmVaultSecret -VaultName $vault -Name 'life' -SecretValue (ConvertTo-SecureString 'v1' -AsPlainText -Force) | Out-Null
        Remove-HsmVaultSecret -VaultName $vault -Name 'life' -WhatIf
        Get-HsmVaultSecret -VaultName $vault -Name 'life' -AsPlainText | Should -Be 'v1'
        $deleted = Remove-HsmVaultSecret -VaultName $vault -Name 'life' -Force -PassThru
        $deleted.PSObject.Properties.Name | Should -Not -Contain 'SecretValue'
        (Get-HsmVaultSecret -VaultName $vault -InRemovedState).Name | Should -Contain 'life'
        Undo-HsmVaultSecretRemoval -VaultName $vault -Name 'life' | Out-Null
        Get-HsmVaultSecret -VaultName $vault -Name 'life' -AsPlainText | Should -Be 'v1'
        $file = Backup-HsmVaultSecret -VaultName $vault -Name 'life' -OutputFile "$work/life.secretbackup"
        Remove-HsmVaultSecret -VaultName $vault -Name 'life' -Force
        Remove-HsmVaultSecret -VaultName $vault -Name 'life' -InRemovedState -Force
        Get-HsmVaultSecret -VaultName $vault -Name 'life' -InRemovedState | Should -BeNullOrEmpty
        (Restore-HsmVaultSecret -VaultName $vault -InputFile $file).Name | Should -Be 'life'
        Get-HsmVaultSecret -VaultName $vault -Name 'life' -AsPlainText | Should -Be 'v1'
    }
}

AfterAll {
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
    Remove-HsmVault -VaultName $vault -Force -ErrorAction SilentlyContinue
}
