BeforeAll {
    Import-Module "$PSScriptRoot/TestHost.psm1" -Force
    Assert-TestHost
    Import-Module (Get-TestModulePath) -Force
}

Describe 'Connect-HsmVault and Disconnect-HsmVault' {
    It 'signs in with a client secret through the development identity provider and returns the context' {
        $context = Connect-TestPrincipal operator
        $context.Account | Should -Be $env:HSMVAULT_TEST_OPERATOR_ID
        $context.TenantId | Should -Be $env:HSMVAULT_TEST_TENANT
        $context.CredentialType | Should -Be 'ClientSecret'
        $context.TokenExpiresOn | Should -BeGreaterThan ([DateTime]::UtcNow)
    }

    It 'fails with an authentication ErrorRecord when the secret is wrong' {
        $bad = [pscredential]::new($env:HSMVAULT_TEST_OPERATOR_ID, (ConvertTo-SecureString 'wrong-secret' -AsPlainText -Force))
        $err = { Connect-HsmVault -ServiceUri $env:HSMVAULT_TEST_URL -ServicePrincipal -Tenant $env:HSMVAULT_TEST_TENANT -Credential $bad `
                -AuthorityHost $env:HSMVAULT_TEST_URL -CaCertificatePath $env:HSMVAULT_TEST_CA } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'AuthenticationFailed,*'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        "$err" | Should -Not -Match 'wrong-secret'
    }

    It 'asks for the audience the 401 challenge names; an explicit -Audience of Azure Key Vault gets no token' {
        $cred = [pscredential]::new($env:HSMVAULT_TEST_OPERATOR_ID, (ConvertTo-SecureString $env:HSMVAULT_TEST_OPERATOR_SECRET -AsPlainText -Force))
        $err = { Connect-HsmVault -ServiceUri $env:HSMVAULT_TEST_URL -ServicePrincipal -Tenant $env:HSMVAULT_TEST_TENANT -Credential $cred `
                -AuthorityHost $env:HSMVAULT_TEST_URL -CaCertificatePath $env:HSMVAULT_TEST_CA -Audience 'https://vault.azure.net' } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'AuthenticationFailed,*'
    }

    It 'refuses a server whose certificate is not trusted (no -CaCertificatePath)' {
        $cred = [pscredential]::new($env:HSMVAULT_TEST_OPERATOR_ID, (ConvertTo-SecureString $env:HSMVAULT_TEST_OPERATOR_SECRET -AsPlainText -Force))
        { Connect-HsmVault -ServiceUri $env:HSMVAULT_TEST_URL -ServicePrincipal -Tenant $env:HSMVAULT_TEST_TENANT -Credential $cred `
                -AuthorityHost $env:HSMVAULT_TEST_URL } | Should -Throw
    }

    It 'uses a token obtained elsewhere (-AccessToken)' {
        $form = @{ grant_type = 'client_credentials'; client_id = $env:HSMVAULT_TEST_OPERATOR_ID; client_secret = $env:HSMVAULT_TEST_OPERATOR_SECRET; scope = "$env:HSMVAULT_TEST_AUDIENCE/.default" }
        # The test's own HTTP call skips the check; the module itself trusts only the given CA file.
        $token = (Invoke-RestMethod -Method Post -Uri "$env:HSMVAULT_TEST_URL/$env:HSMVAULT_TEST_TENANT/oauth2/v2.0/token" -Body $form -SkipCertificateCheck).access_token
        $context = Connect-HsmVault -ServiceUri $env:HSMVAULT_TEST_URL -AccessToken (ConvertTo-SecureString $token -AsPlainText -Force) -CaCertificatePath $env:HSMVAULT_TEST_CA
        $context.CredentialType | Should -Be 'AccessToken'
        $context.Account | Should -Be $env:HSMVAULT_TEST_OPERATOR_ID
        (Get-HsmVault -VaultName default).VaultName | Should -Be 'default'
    }

    It 'offers client certificate, managed identity and device code sign-in as parameter sets' {
        $sets = (Get-Command Connect-HsmVault).ParameterSets.Name
        $sets | Should -Contain 'ServicePrincipalCertificateFile'
        $sets | Should -Contain 'ServicePrincipalCertificateThumbprint'
        $sets | Should -Contain 'ManagedIdentity'
        $sets | Should -Contain 'DeviceCode'
    }

    It 'after Disconnect-HsmVault, cmdlets stop with a NotConnected error' {
        Connect-TestPrincipal operator -Quiet
        Disconnect-HsmVault
        $err = { Get-HsmVault } | Should -Throw -PassThru
        $err.FullyQualifiedErrorId | Should -BeLike 'NotConnected,*'
        $err.Exception.Message | Should -Match 'Connect-HsmVault'
    }
}
