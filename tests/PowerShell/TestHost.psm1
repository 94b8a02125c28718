# Shared by the Pester files: the module under test, the test host's principals, and connecting as one of them.
$repo = (Resolve-Path "$PSScriptRoot/../..").Path
$script:ModulePath = Join-Path $repo 'tools/HsmVault.PowerShell/bin/Release/net10.0/HsmVault.psd1'

function Get-TestModulePath { $script:ModulePath }

function Assert-TestHost {
    if ($env:HSMVAULT_TEST_HOST_ERROR) { throw $env:HSMVAULT_TEST_HOST_ERROR }
    foreach ($name in 'HSMVAULT_TEST_URL', 'HSMVAULT_TEST_CA', 'HSMVAULT_TEST_TENANT', 'HSMVAULT_TEST_OPERATOR_ID') {
        if (-not [Environment]::GetEnvironmentVariable($name)) { throw "$name is not set: run these tests through tests/run.sh." }
    }
    if (-not (Test-Path $script:ModulePath)) { throw "$script:ModulePath missing: dotnet build HsmVault.sln -c Release" }
}

# Connect-TestPrincipal operator|admin|app|noaccess: the development identity provider's client credentials.
function Connect-TestPrincipal([string] $Who = 'operator', [switch] $Quiet) {
    $prefix = "HSMVAULT_TEST_$($Who.ToUpperInvariant())"
    $id = [Environment]::GetEnvironmentVariable("${prefix}_ID")
    $secret = ConvertTo-SecureString ([Environment]::GetEnvironmentVariable("${prefix}_SECRET")) -AsPlainText -Force
    $context = Connect-HsmVault -ServiceUri $env:HSMVAULT_TEST_URL -ServicePrincipal -Tenant $env:HSMVAULT_TEST_TENANT `
        -Credential ([pscredential]::new($id, $secret)) -AuthorityHost $env:HSMVAULT_TEST_URL -CaCertificatePath $env:HSMVAULT_TEST_CA
    if (-not $Quiet) { $context }
}

function Get-TestOid([string] $Who) { [Environment]::GetEnvironmentVariable("HSMVAULT_TEST_$($Who.ToUpperInvariant())_OID") }

function New-TestName([string] $Prefix) { $Prefix + [Guid]::NewGuid().ToString('N').Substring(0, 8) }

Export-ModuleMember -Function *
