@{
    RootModule           = 'HsmVault.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '6d0f6a0e-5d7e-4b8e-9f3a-2c1b7e4a9d10'
    Author               = 'HsmVault'
    Description          = 'Manage HsmVault vaults, access policies, keys and secrets, and read the audit, Az.KeyVault-style.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('HsmVault.format.ps1xml')
    CmdletsToExport      = @(
        'Connect-HsmVault', 'Disconnect-HsmVault',
        'Get-HsmVault', 'New-HsmVault', 'Update-HsmVault', 'Remove-HsmVault', 'Undo-HsmVaultRemoval',
        'Get-HsmVaultAccessPolicy', 'Set-HsmVaultAccessPolicy', 'Remove-HsmVaultAccessPolicy',
        'Add-HsmVaultKey', 'Get-HsmVaultKey', 'Update-HsmVaultKey',
        'Set-HsmVaultSecret', 'Get-HsmVaultSecret', 'Update-HsmVaultSecret',
        'Remove-HsmVaultKey', 'Undo-HsmVaultKeyRemoval', 'Backup-HsmVaultKey', 'Restore-HsmVaultKey',
        'Invoke-HsmVaultKeyRotation', 'Invoke-HsmVaultKeyOperation', 'Get-HsmVaultKeyRotationPolicy', 'Set-HsmVaultKeyRotationPolicy',
        'Remove-HsmVaultSecret', 'Undo-HsmVaultSecretRemoval', 'Backup-HsmVaultSecret', 'Restore-HsmVaultSecret',
        'Get-HsmVaultAuditLog', 'Get-HsmVaultKeyUsage', 'Export-HsmVaultAuditLog', 'Get-HsmVaultAuditSigningKey'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
}
