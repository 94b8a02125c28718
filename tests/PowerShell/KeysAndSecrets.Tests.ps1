BeforeAll {
    Import-Module "$PSScriptRoot/TestHost.psm1" -Force
    Assert-TestHost
    Import-Module (Get-TestModulePath) -Force
    Connect-TestPrincipal operator -Quiet
    $vault = New-TestName 'psk'
    New-HsmVault -Name $vault | Out-Null
    Set-HsmVaultAccessPolicy -VaultName $vault -ObjectId (Get-TestOid operator) -PermissionsToKeys all -PermissionsToSecrets all
    $work = Join-Path ([IO.Path]::GetTempPath()) (New-TestName 'pskeys')
    New-Item -ItemType Directory $work | Out-Null
}

Describe 'Key cmdlets' {
    It 'Add-HsmVaultKey -WhatIf creates nothing' {
        Add-HsmVaultKey -VaultName $vault -Name 'whatif' -Destination HSM -WhatIf
        Get-HsmVaultKey -VaultName $vault -Name 'whatif' | Should -BeNullOrEmpty
    }

    It 'creates RSA, EC and oct keys in the HSM with attributes, operations and tags' {
        $rsa = Add-HsmVaultKey -VaultName $vault -Name 'rsa1' -Destination HSM -KeyType RSA -Size 3072 -KeyOps sign, verify -Tag @{ app = 'orders' }
        $rsa.KeyType | Should -Be 'RSA-HSM'
        $rsa.KeySize | Should -Be 3072
        $rsa.KeyOps | Should -Be @('sign', 'verify')
        $rsa.Tags['app'] | Should -Be 'orders'
        $rsa.Key.N | Should -Not -BeNullOrEmpty
        $expires = [DateTime]::UtcNow.AddDays(30).Date
        $ec = Add-HsmVaultKey -VaultName $vault -Name 'ec1' -Destination HSM -KeyType EC -CurveName P-384 -Expires $expires -Disable
        $ec.CurveName | Should -Be 'P-384'
        $ec.Enabled | Should -BeFalse
        $ec.Expires | Should -Be $expires
        (Add-HsmVaultKey -VaultName $vault -Name 'aes1' -KeyType oct -Size 256).KeyType | Should -Be 'oct-HSM'
    }

    It 'imports a PEM RSA key, a password-protected PFX and a JWK file' {
        $rsa = [Security.Cryptography.RSA]::Create(2048)
        Set-Content -Path "$work/rsa.pem" -Value $rsa.ExportPkcs8PrivateKeyPem()
        $imported = Add-HsmVaultKey -VaultName $vault -Name 'pem1' -KeyFilePath "$work/rsa.pem"
        $imported.Key.N | Should -Be ([Convert]::ToBase64String($rsa.ExportParameters($false).Modulus).TrimEnd('=').Replace('+', '-').Replace('/', '_'))

        $ec = [Security.Cryptography.ECDsa]::Create([Security.Cryptography.ECCurve+NamedCurves]::nistP256)
        $req = [Security.Cryptography.X509Certificates.CertificateRequest]::new('CN=pfx', $ec, 'SHA256')
        $cert = $req.CreateSelfSigned([DateTimeOffset]::UtcNow, [DateTimeOffset]::UtcNow.AddDays(1))
        $password = ConvertTo-SecureString 'pfx-pass' -AsPlainText -Force
        [IO.File]::WriteAllBytes("$work/ec.pfx", $cert.Export('Pfx', 'pfx-pass'))
        $pfx = Add-HsmVaultKey -VaultName $vault -Name 'pfx1' -KeyFilePath "$work/ec.pfx" -KeyFilePassword $password
        $pfx.CurveName | Should -Be 'P-256'
        $pfx.Key.X | Should -Be ([Convert]::ToBase64String($ec.ExportParameters($false).Q.X).TrimEnd('=').Replace('+', '-').Replace('/', '_'))

        $p = [Security.Cryptography.ECDsa]::Create([Security.Cryptography.ECCurve+NamedCurves]::nistP256).ExportParameters($true)
        $b64u = { param($b) [Convert]::ToBase64String($b).TrimEnd('=').Replace('+', '-').Replace('/', '_') }
        @{ kty = 'EC'; crv = 'P-256'; x = (& $b64u $p.Q.X); y = (& $b64u $p.Q.Y); d = (& $b64u $p.D) } | ConvertTo-Json | Set-Content "$work/p256.jwk"
        $jwk = Add-HsmVaultKey -VaultName $vault -Name 'jwk1' -KeyFilePath "$work/p256.jwk"
        $jwk.KeyType | Should -Be 'EC-HSM'
    }

    It 'a PFX with a wrong password is an error, not an import' {
        $password = ConvertTo-SecureString 'not-it' -AsPlainText -Force
        { Add-HsmVaultKey -VaultName $vault -Name 'pfx2' -KeyFilePath "$work/ec.pfx" -KeyFilePassword $password -ErrorAction Stop } | Should -Throw
        Get-HsmVaultKey -VaultName $vault -Name 'pfx2' | Should -BeNullOrEmpty
    }

    It 'Get-HsmVaultKey lists, filters by wildcard, and gets a version; -IncludeVersions lists versions' {
        (Get-HsmVaultKey -VaultName $vault).Name | Should -Contain 'rsa1'
        (Get-HsmVaultKey -VaultName $vault -Name 'p*').Name | Sort-Object | Should -Be @('pem1', 'pfx1')
        $first = Get-HsmVaultKey -VaultName $vault -Name 'rsa1'
        $second = Add-HsmVaultKey -VaultName $vault -Name 'rsa1' -KeyType RSA
        (Get-HsmVaultKey -VaultName $vault -Name 'rsa1').Version | Should -Be $second.Version
        (Get-HsmVaultKey -VaultName $vault -Name 'rsa1' -Version $first.Version).KeySize | Should -Be 3072
        $versions = Get-HsmVaultKey -VaultName $vault -Name 'rsa1' -IncludeVersions
        $versions.Version | Sort-Object | Should -Be (@($first.Version, $second.Version) | Sort-Object)
    }

    It 'outputs nothing for a key that does not exist (as Get-AzKeyVaultKey)' {
        Get-HsmVaultKey -VaultName $vault -Name 'missing' -ErrorVariable e | Should -BeNullOrEmpty
        $e | Should -BeNullOrEmpty
    }

    It '-OutFile writes the public key as PEM' {
        $key = Get-HsmVaultKey -VaultName $vault -Name 'pem1' -OutFile "$work/pem1.pub.pem"
        $pub = [Security.Cryptography.RSA]::Create()
        $pub.ImportFromPem((Get-Content -Raw "$work/pem1.pub.pem"))
        [Convert]::ToBase64String($pub.ExportParameters($false).Modulus).TrimEnd('=').Replace('+', '-').Replace('/', '_') | Should -Be $key.Key.N
        { Get-HsmVaultKey -VaultName $vault -Name 'pem1' -OutFile "$work/pem1.pub.pem" -ErrorAction Stop } | Should -Throw '*-Force*'
    }

    It 'Update-HsmVaultKey -WhatIf changes nothing' {
        Update-HsmVaultKey -VaultName $vault -Name 'pem1' -Enable $false -WhatIf
        (Get-HsmVaultKey -VaultName $vault -Name 'pem1').Enabled | Should -BeTrue
    }

    It 'pipes Get-HsmVaultKey into Update-HsmVaultKey' {
        Get-HsmVaultKey -VaultName $vault -Name 'p*' | Update-HsmVaultKey -Enable $false -Tag @{ state = 'off' }
        $keys = Get-HsmVaultKey -VaultName $vault -Name 'p*'
        $keys.Enabled | Should -Not -Contain $true
        $keys | ForEach-Object { $_.Tags['state'] | Should -Be 'off' }
        (Update-HsmVaultKey -VaultName $vault -Name 'pem1' -Enable $true -PassThru).Enabled | Should -BeTrue
    }

    It 'completes key names on Tab' {
        $line = "Get-HsmVaultKey -VaultName $vault -Name pf"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('pfx1')
    }

    It 'prints keys as a table' {
        $text = Get-HsmVaultKey -VaultName $vault | Out-String -Width 200
        $text | Should -Match 'Name\s+Version\s+Enabled'
        $text = Get-HsmVaultKey -VaultName $vault -Name 'rsa1' | Out-String -Width 200
        $text | Should -Match 'KeyType\s+KeySize'
    }
}

Describe 'Secret cmdlets' {
    BeforeAll { $value = 'pS-' + [Guid]::NewGuid().ToString('N') }

    It 'Set-HsmVaultSecret -WhatIf stores nothing' {
        Set-HsmVaultSecret -VaultName $vault -Name 'db' -SecretValue (ConvertTo-SecureString $value -AsPlainText -Force) -WhatIf
        Get-HsmVaultSecret -VaultName $vault -Name 'db' | Should -BeNullOrEmpty
    }

    It 'stores a SecureString value and reads it back as SecureString or -AsPlainText' {
        $s = Set-HsmVaultSecret -VaultName $vault -Name 'db' -SecretValue (ConvertTo-SecureString $value -AsPlainText -Force) -ContentType 'text/plain' -Tag @{ app = 'orders' }
        $s.SecretValue | Should -BeOfType ([securestring])
        $s.ContentType | Should -Be 'text/plain'
        Get-HsmVaultSecret -VaultName $vault -Name 'db' -AsPlainText | Should -Be $value
        $got = Get-HsmVaultSecret -VaultName $vault -Name 'db'
        [Net.NetworkCredential]::new('', $got.SecretValue).Password | Should -Be $value
        ($got | Out-String) | Should -Not -Match ([regex]::Escape($value))
    }

    It 'lists secrets without values and versions with -IncludeVersions' {
        $first = Get-HsmVaultSecret -VaultName $vault -Name 'db'
        Set-HsmVaultSecret -VaultName $vault -Name 'db' -SecretValue (ConvertTo-SecureString 'second' -AsPlainText -Force) | Out-Null
        $list = Get-HsmVaultSecret -VaultName $vault
        $list.Name | Should -Contain 'db'
        $list[0].PSObject.Properties.Name | Should -Not -Contain 'SecretValue'
        (Get-HsmVaultSecret -VaultName $vault -Name 'db' -IncludeVersions).Count | Should -Be 2
        Get-HsmVaultSecret -VaultName $vault -Name 'db' -Version $first.Version -AsPlainText | Should -Be $value
    }

    It 'Update-HsmVaultSecret -WhatIf changes nothing; piped updates change attributes' {
        Update-HsmVaultSecret -VaultName $vault -Name 'db' -ContentType 'x/whatif' -WhatIf
        (Get-HsmVaultSecret -VaultName $vault -Name 'db').ContentType | Should -BeNullOrEmpty
        Get-HsmVaultSecret -VaultName $vault -Name 'db' -IncludeVersions | Update-HsmVaultSecret -Tag @{ rotated = 'yes' }
        Get-HsmVaultSecret -VaultName $vault -Name 'db' -IncludeVersions | ForEach-Object { $_.Tags['rotated'] | Should -Be 'yes' }
    }

    It 'a disabled secret is a PermissionDenied ErrorRecord with the vault''s code' {
        Update-HsmVaultSecret -VaultName $vault -Name 'db' -Enable $false
        Get-HsmVaultSecret -VaultName $vault -Name 'db' -ErrorAction SilentlyContinue -ErrorVariable e | Should -BeNullOrEmpty
        $e[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $e[0].FullyQualifiedErrorId | Should -BeLike 'SecretDisabled,*'
        $e[0].Exception.Code | Should -Be 'Forbidden'
        Update-HsmVaultSecret -VaultName $vault -Name 'db' -Enable $true
    }

    It 'never writes a secret value to the verbose or debug stream' {
        $secret = 'vErBoSe-' + [Guid]::NewGuid().ToString('N')
        $streams = & {
            $VerbosePreference = 'Continue'; $DebugPreference = 'Continue'
            Set-HsmVaultSecret -VaultName $vault -Name 'quiet' -SecretValue (ConvertTo-SecureString $secret -AsPlainText -Force) -Verbose -Debug | Out-Null
            Get-HsmVaultSecret -VaultName $vault -Name 'quiet' -AsPlainText -Verbose -Debug | Out-Null
            Get-HsmVaultSecret -VaultName $vault -Name 'quiet' -IncludeVersions -Verbose -Debug | Out-Null
        } 4>&1 5>&1 | ForEach-Object { "$_" }
        $streams | Should -Not -BeNullOrEmpty
        ($streams -join "`n") | Should -Not -Match ([regex]::Escape($secret))
        ($streams -join "`n") | Should -Match 'x-ms-request-id: [0-9a-f-]{36}'
    }
}

Describe 'A principal without access' {
    It 'gets a PermissionDenied ErrorRecord naming the vault''s code, and no stack trace' {
        try {
            Connect-TestPrincipal noaccess -Quiet
            Get-HsmVaultKey -VaultName $vault -Name 'rsa1' -ErrorAction SilentlyContinue -ErrorVariable e | Should -BeNullOrEmpty
            $e.Count | Should -Be 1
            $e[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
            $e[0].FullyQualifiedErrorId | Should -BeLike 'AccessDenied,*'
            $e[0].Exception.Code | Should -Be 'Forbidden'
            $e[0].TargetObject | Should -Be 'rsa1'
            "$e" | Should -Not -Match '   at '
            $e[0].ErrorDetails.RecommendedAction | Should -Match 'Set-HsmVaultAccessPolicy'
            Set-HsmVaultSecret -VaultName $vault -Name 'denied' -SecretValue (ConvertTo-SecureString 'x' -AsPlainText -Force) -ErrorAction SilentlyContinue -ErrorVariable e2
            $e2[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        } finally {
            Connect-TestPrincipal operator -Quiet
        }
        Get-HsmVaultSecret -VaultName $vault -Name 'denied' | Should -BeNullOrEmpty
    }
}

Describe 'Help' {
    It '<_> has a synopsis and at least one example' -ForEach @((Get-Command -Module HsmVault).Name) {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match '^\s*\w+-\w+ \['  # not the generated syntax line
        @($help.examples.example).Count | Should -BeGreaterThan 0
        (Get-Help $_ -Examples | Out-String) | Should -Match 'HsmVault'
    }

    It 'the committed MAML file is what help/Build-Help.ps1 writes from the help text and the cmdlets'' syntax' {
        $repo = (Resolve-Path "$PSScriptRoot/../..").Path
        $fresh = Join-Path $work 'help.xml'
        & "$PSHOME/pwsh" -NoProfile -NonInteractive -File "$repo/tools/HsmVault.PowerShell/help/Build-Help.ps1" -OutFile $fresh
        $LASTEXITCODE | Should -Be 0
        Get-Content -Raw $fresh | Should -BeExactly (Get-Content -Raw "$repo/tools/HsmVault.PowerShell/en-US/HsmVault.PowerShell.dll-Help.xml")
    }
}

AfterAll {
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
    Remove-HsmVault -VaultName $vault -Force -ErrorAction SilentlyContinue
}
