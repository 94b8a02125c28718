BeforeAll {
    Import-Module "$PSScriptRoot/TestHost.psm1" -Force
    Assert-TestHost
    Import-Module (Get-TestModulePath) -Force
    Connect-TestPrincipal operator -Quiet
    $vault = New-TestName 'psv'
    $app = Get-TestOid app
}

Describe 'Vault cmdlets' {
    It 'New-HsmVault -WhatIf creates nothing' {
        New-HsmVault -Name $vault -WhatIf
        Get-HsmVault -VaultName $vault -ErrorAction SilentlyContinue -ErrorVariable e | Should -BeNullOrEmpty
        $e[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'New-HsmVault creates a vault of the connection''s tenant' {
        $v = New-HsmVault -Name $vault -Tag @{ team = 'ops' } -SoftDeleteRetentionInDays 30
        $v.VaultName | Should -Be $vault
        $v.TenantId | Should -Be $env:HSMVAULT_TEST_TENANT
        $v.SoftDeleteRetentionInDays | Should -Be 30
        $v.Tags['team'] | Should -Be 'ops'
        $v.VaultUri | Should -BeLike "https://$vault.localhost:*"
    }

    It 'Get-HsmVault lists vaults, by name and filtered by tag' {
        (Get-HsmVault).VaultName | Should -Contain $vault
        (Get-HsmVault -Tag @{ team = 'ops' }).VaultName | Should -Contain $vault
        (Get-HsmVault -Tag @{ team = 'nobody' }).VaultName | Should -Not -Contain $vault
        (Get-HsmVault $vault).Enabled | Should -BeTrue
    }

    It 'Update-HsmVault changes tags and disables and re-enables, by name and from the pipeline' {
        (Update-HsmVault -VaultName $vault -Tag @{ team = 'sec' }).Tags['team'] | Should -Be 'sec'
        (Get-HsmVault $vault | Update-HsmVault -Enable $false).Enabled | Should -BeFalse
        (Update-HsmVault $vault -Enable $true).Enabled | Should -BeTrue
    }

    It 'Update-HsmVault -WhatIf changes nothing' {
        Update-HsmVault $vault -Tag @{ team = 'whatif' } -WhatIf
        (Get-HsmVault $vault).Tags['team'] | Should -Be 'sec'
    }

    It 'Remove-HsmVault is ConfirmImpact High and -WhatIf leaves the vault' {
        $attr = (Get-Command Remove-HsmVault).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        $attr.ConfirmImpact | Should -Be 'High'
        Remove-HsmVault $vault -WhatIf
        Get-HsmVault $vault | Should -Not -BeNullOrEmpty
    }

    It 'Remove-HsmVault -Force removes a vault (piped)' {
        $doomed = New-TestName 'psd'
        New-HsmVault -Name $doomed | Out-Null
        Get-HsmVault $doomed | Remove-HsmVault -Force -PassThru | Should -BeTrue
        Get-HsmVault -VaultName $doomed -ErrorAction SilentlyContinue -ErrorVariable e | Should -BeNullOrEmpty
        $e | Should -Not -BeNullOrEmpty
    }

    It 'a bad vault name is an InvalidArgument ErrorRecord with the vault''s code' {
        New-HsmVault -Name 'x' -ErrorAction SilentlyContinue -ErrorVariable e
        $e[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e[0].FullyQualifiedErrorId | Should -BeLike 'BadParameter,*'
        $e[0].Exception.Message | Should -Not -Match '   at '
    }
}

Describe 'Access policy cmdlets' {
    It 'Set-HsmVaultAccessPolicy grants vault-wide and -KeyName scoped entries; Get-HsmVaultAccessPolicy reads them' {
        Set-HsmVaultAccessPolicy -VaultName $vault -ObjectId $app -PermissionsToKeys get, list -PermissionsToSecrets get
        $e = Set-HsmVaultAccessPolicy -VaultName $vault -ObjectId $app -PermissionsToKeys sign -KeyName 'pay-*' -PassThru
        $e.KeyName | Should -Be 'pay-*'
        $all = Get-HsmVaultAccessPolicy -VaultName $vault -ObjectId $app
        $all.Count | Should -Be 2
        $wide = Get-HsmVaultAccessPolicy -VaultName $vault -ObjectId $app -KeyName '*'
        $wide.PermissionsToKeys | Should -Be @('get', 'list')
        $wide.PermissionsToSecrets | Should -Be @('get')
        (Get-HsmVaultAccessPolicy -VaultName $vault -KeyName 'pay-*').PermissionsToKeys | Should -Be @('sign')
    }

    It 'keeps the permissions of a kind not given, as Set-AzKeyVaultAccessPolicy does' {
        Set-HsmVaultAccessPolicy -VaultName $vault -ObjectId $app -PermissionsToKeys get, list, create
        $wide = Get-HsmVaultAccessPolicy -VaultName $vault -ObjectId $app -KeyName '*'
        $wide.PermissionsToKeys | Should -Be @('get', 'list', 'create')
        $wide.PermissionsToSecrets | Should -Be @('get')
    }

    It 'Set-HsmVaultAccessPolicy -WhatIf changes nothing' {
        Set-HsmVaultAccessPolicy -VaultName $vault -ObjectId $app -PermissionsToKeys all -WhatIf
        (Get-HsmVaultAccessPolicy -VaultName $vault -ObjectId $app -KeyName '*').PermissionsToKeys | Should -Be @('get', 'list', 'create')
    }

    It 'refuses unknown permission names before calling the vault' {
        { Set-HsmVaultAccessPolicy -VaultName $vault -ObjectId $app -PermissionsToKeys fly } | Should -Throw -ErrorId 'ParameterArgumentValidationError,*'
    }

    It 'Remove-HsmVaultAccessPolicy -WhatIf keeps, a piped entry removes exactly that entry' {
        Remove-HsmVaultAccessPolicy -VaultName $vault -ObjectId $app -WhatIf
        (Get-HsmVaultAccessPolicy -VaultName $vault -ObjectId $app).Count | Should -Be 2
        Get-HsmVaultAccessPolicy -VaultName $vault -ObjectId $app -KeyName 'pay-*' | Remove-HsmVaultAccessPolicy
        $left = Get-HsmVaultAccessPolicy -VaultName $vault -ObjectId $app
        @($left).Count | Should -Be 1
        $left.KeyName | Should -BeNullOrEmpty
    }

    It 'Remove-HsmVaultAccessPolicy by object id removes every entry; removing again is ObjectNotFound' {
        Remove-HsmVaultAccessPolicy -VaultName $vault -ObjectId $app -PassThru | Should -BeTrue
        Get-HsmVaultAccessPolicy -VaultName $vault -ObjectId $app | Should -BeNullOrEmpty
        Remove-HsmVaultAccessPolicy -VaultName $vault -ObjectId $app -ErrorAction SilentlyContinue -ErrorVariable e
        $e[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $e[0].FullyQualifiedErrorId | Should -BeLike 'AccessPolicyNotFound,*'
    }

    It 'a principal without the operator role gets a PermissionDenied ErrorRecord' {
        try {
            Connect-TestPrincipal app -Quiet
            Get-HsmVault -ErrorAction SilentlyContinue -ErrorVariable e | Should -BeNullOrEmpty
            $e[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
            $e[0].FullyQualifiedErrorId | Should -BeLike 'AccessDenied,*'
            $e[0].Exception.Code | Should -Be 'Forbidden'
        } finally {
            Connect-TestPrincipal operator -Quiet
        }
    }

    It 'completes vault names on Tab' {
        $line = "Get-HsmVault -VaultName $($vault.Substring(0, 6))"
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $completions | Should -Contain $vault
    }
}

AfterAll {
    Remove-HsmVault -VaultName $vault -Force -ErrorAction SilentlyContinue
}
