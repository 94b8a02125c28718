# The audit cmdlets against the auditor API: the records and usage of operations this file performs, and nothing else.
BeforeAll {
    Import-Module "$PSScriptRoot/TestHost.psm1" -Force
    Assert-TestHost
    Import-Module (Get-TestModulePath) -Force
    $work = Join-Path ([IO.Path]::GetTempPath()) (New-TestName 'psaudit')
    New-Item -ItemType Directory $work | Out-Null
    $since = (Get-Date).ToUniversalTime().AddMinutes(-5)
    $app = Get-TestOid app
    $operatorOid = Get-TestOid operator

    # The operator makes a vault and an RSA key that the app may only encrypt with.
    Connect-TestPrincipal operator -Quiet
    $vault = New-TestName 'psaud'
    New-HsmVault -Name $vault | Out-Null
    Set-HsmVaultAccessPolicy -VaultName $vault -ObjectId $operatorOid -PermissionsToKeys all
    $key = Add-HsmVaultKey -VaultName $vault -Name audk -KeyType RSA -Size 2048
    Set-HsmVaultAccessPolicy -VaultName $vault -ObjectId $app -KeyName audk -PermissionsToKeys encrypt

    # The app: three encryptions (with -Version, so no key get is made) and one denied get.
    Connect-TestPrincipal app -Quiet
    $encrypted = 1..3 | ForEach-Object {
        Invoke-HsmVaultKeyOperation -VaultName $vault -Name audk -Version $key.Version -Operation Encrypt -Algorithm RSA-OAEP -ByteArrayValue ([byte[]](1..16))
    }
    Get-HsmVaultKey -VaultName $vault -Name audk -ErrorAction SilentlyContinue -ErrorVariable deniedGet | Out-Null

    Connect-TestPrincipal auditor -Quiet
}

Describe 'Get-HsmVaultAuditLog' {
    It 'the app''s three encryptions and its denied get, exactly, newest first' {
        $log = Get-HsmVaultAuditLog -VaultName $vault -KeyName audk -Caller $app -Since $since
        $encrypted.Count | Should -Be 3
        $deniedGet[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        @($log).Count | Should -Be 4
        $log[0] | Should -BeOfType HsmVault.PowerShell.Models.PSHsmVaultAuditRecord
        $log.Caller | Sort-Object -Unique | Should -Be $app
        $log.VaultName | Sort-Object -Unique | Should -Be $vault
        $log.ObjectName | Sort-Object -Unique | Should -Be 'audk'
        ($log | Where-Object OperationName -eq KeyEncrypt).Count | Should -Be 3
        ($log | Where-Object OperationName -eq KeyEncrypt).ResultType | Sort-Object -Unique | Should -Be 'Success'
        ($log | Where-Object OperationName -eq KeyEncrypt).ObjectPath | Sort-Object -Unique | Should -Be "keys/audk/$($key.Version)"
        ($log | Where-Object OperationName -eq KeyEncrypt).Algorithm | Sort-Object -Unique | Should -Be 'RSA-OAEP'
        $failed = @($log | Where-Object ResultType -eq Failure)
        $failed.Count | Should -Be 1
        $failed[0].OperationName | Should -Be 'KeyGet'
        $failed[0].HttpStatusCode | Should -Be 403
        $failed[0].ResultDescription | Should -Be $deniedGet[0].FullyQualifiedErrorId.Split(',')[0]
        $sorted = $log.Time | Sort-Object -Descending
        $log.Time | Should -Be $sorted
    }

    It 'filters by operation, result, and caller as object id, application id or nobody' {
        @(Get-HsmVaultAuditLog -VaultName $vault -Operation KeyEncrypt -Since $since).Count | Should -Be 3
        @(Get-HsmVaultAuditLog -VaultName $vault -KeyName audk -Result Failure -Since $since).OperationName | Should -Be @('KeyGet')
        @(Get-HsmVaultAuditLog -VaultName $vault -Caller $env:HSMVAULT_TEST_APP_ID -Since $since).Count | Should -Be 4
        $mine = Get-HsmVaultAuditLog -VaultName $vault -Caller $operatorOid -Since $since
        $mine.OperationName | Should -Contain 'KeyCreate'
        $mine.OperationName | Should -Not -Contain 'KeyEncrypt'
        Get-HsmVaultAuditLog -VaultName $vault -Operation KeySign -Since $since | Should -BeNullOrEmpty
        Get-HsmVaultAuditLog -VaultName $vault -Caller $app -Since (Get-Date).AddHours(-3) -Until $since | Should -BeNullOrEmpty
    }

    It 'follows every page; -Verbose shows each request''s ids' {
        $verbose = Get-HsmVaultAuditLog -VaultName $vault -Caller $app -Since $since -PageSize 1 -Verbose 4>&1
        $records = @($verbose | Where-Object { $_ -is [HsmVault.PowerShell.Models.PSHsmVaultAuditRecord] })
        $records.Count | Should -Be 4
        $requests = @($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'GET *' })
        $requests.Count | Should -BeGreaterOrEqual 4
        $requests[0].Message | Should -Match "/management/audit/vaults/$vault/records x-ms-client-request-id: [0-9a-f-]{36}$"
        ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match '^200 OK .*x-ms-request-id: \S+' }) | Should -Not -BeNullOrEmpty
        @(Get-HsmVaultAuditLog -VaultName $vault -Caller $app -Since $since -PageSize 1 -First 2).Count | Should -Be 2
    }

    It 'the correlation ids are the ones the app''s requests sent' {
        $log = Get-HsmVaultAuditLog -VaultName $vault -Caller $app -Operation KeyEncrypt -Since $since
        $log.CorrelationId | ForEach-Object { $_ | Should -Match '^[0-9a-f-]{36}$' }
        ($log.CorrelationId | Sort-Object -Unique).Count | Should -Be 3
    }

    It 'a caller without the auditor or operator role gets an AccessDenied ErrorRecord' {
        try {
            Connect-TestPrincipal app -Quiet
            $out = Get-HsmVaultAuditLog -VaultName $vault -ErrorAction SilentlyContinue -ErrorVariable e
            $out | Should -BeNullOrEmpty
            $e[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
            $e[0].FullyQualifiedErrorId | Should -BeLike 'AccessDenied,*'
            $e[0].TargetObject | Should -Be $vault
            $e[0].Exception.Message | Should -Match 'auditor role'
            Get-HsmVaultKeyUsage -VaultName $vault -KeyName audk -ErrorAction SilentlyContinue -ErrorVariable e2 | Should -BeNullOrEmpty
            $e2[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        } finally {
            Connect-TestPrincipal auditor -Quiet
        }
    }

    It 'bad input is the vault''s InvalidArgument error' {
        Get-HsmVaultAuditLog -VaultName $vault -Since (Get-Date).AddDays(-40) -ErrorAction SilentlyContinue -ErrorVariable e | Should -BeNullOrEmpty
        $e[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $e[0].FullyQualifiedErrorId | Should -BeLike 'BadParameter,*'
    }
}

Describe 'Get-HsmVaultKeyUsage' {
    It 'per hour: the app''s 3 encryptions and 1 failed get, by caller' {
        $usage = Get-HsmVaultKeyUsage -VaultName $vault -KeyName audk
        $usage[0] | Should -BeOfType HsmVault.PowerShell.Models.PSHsmVaultKeyUsage
        $byApp = @($usage | Where-Object Caller -eq $app | Sort-Object Operation)
        $byApp.Count | Should -Be 2
        $byApp.Operation | Should -Be @('KeyEncrypt', 'KeyGet')
        $byApp.Result | Should -Be @('Success', 'Failure')
        ($byApp | Measure-Object Count -Sum).Sum | Should -Be 4
        ($usage | Where-Object { $_.Caller -eq $app -and $_.Operation -eq 'KeyEncrypt' } | Measure-Object Count -Sum).Sum | Should -Be 3
        ($usage | Where-Object { $_.Caller -eq $operatorOid -and $_.Operation -eq 'KeyCreate' } | Measure-Object Count -Sum).Sum | Should -Be 1
        $usage.Granularity | Sort-Object -Unique | Should -Be 'Hour'
        $usage | ForEach-Object { $_.Period.Minute | Should -Be 0 }
        $usage[0].LastUse | Should -BeGreaterThan $since
    }

    It 'per day, and for one caller' {
        $usage = Get-HsmVaultKeyUsage -VaultName $vault -KeyName audk -Granularity Day -Caller $app
        $usage.Caller | Sort-Object -Unique | Should -Be $app
        ($usage | Where-Object Operation -eq KeyEncrypt | Measure-Object Count -Sum).Sum | Should -Be 3
        $usage | ForEach-Object { $_.Period.TimeOfDay | Should -Be ([TimeSpan]::Zero) }
        Get-HsmVaultKeyUsage -VaultName $vault -KeyName nokey | Should -BeNullOrEmpty
    }

    It 'takes keys from the pipeline' {
        Connect-TestPrincipal operator -Quiet
        try {
            $usage = Get-HsmVaultKey -VaultName $vault -Name audk | Get-HsmVaultKeyUsage
            ($usage | Where-Object Operation -eq KeyEncrypt | Measure-Object Count -Sum).Sum | Should -Be 3
        } finally {
            Connect-TestPrincipal auditor -Quiet
        }
    }
}

Describe 'Export-HsmVaultAuditLog and Get-HsmVaultAuditSigningKey' {
    It 'writes the vault-hour as the export route returns it' {
        $first = Get-HsmVaultAuditLog -VaultName $vault -Caller $app -Operation KeyEncrypt -Since $since | Select-Object -Last 1
        $file = Join-Path $work 'hour.json'
        $hourStart = $first.Time.Date.AddHours($first.Time.Hour)
        $inHour = @(Get-HsmVaultAuditLog -VaultName $vault -Since $hourStart -Until $hourStart.AddHours(1).AddTicks(-1))
        $out = Export-HsmVaultAuditLog -VaultName $vault -Hour $first.Time -Path $file
        $out.FullName | Should -Be $file
        $doc = Get-Content -Raw $file | ConvertFrom-Json
        # Every record the query saw, and at most one more: the query's own record (audit reads are audited too).
        $inHour.CorrelationId | ForEach-Object { $doc.records.correlationId | Should -Contain $_ }
        @($doc.records).Count | Should -BeIn @($inHour.Count, ($inHour.Count + 1))
        $doc.records.time | Should -Be ($doc.records.time | Sort-Object)
        $doc.records.correlationId | Should -Contain $first.CorrelationId
        $doc.records[0].category | Should -Be 'AuditEvent'
        $doc.records[0].hsmvault.chain | Should -Not -BeNullOrEmpty
        { Export-HsmVaultAuditLog -VaultName $vault -Hour $first.Time -Path $file } | Should -Throw '*exists*'
        Export-HsmVaultAuditLog -VaultName $vault -Hour $first.Time -Path $file -Force | Should -Not -BeNullOrEmpty
    }

    It '-WhatIf writes nothing' {
        $file = Join-Path $work 'whatif.json'
        Export-HsmVaultAuditLog -VaultName $vault -Hour (Get-Date) -Path $file -WhatIf
        Test-Path $file | Should -BeFalse
    }

    It 'the signing key is an EC P-256 public key in PEM, written with -OutFile' {
        $file = Join-Path $work 'audit-key.pem'
        $pem = Get-HsmVaultAuditSigningKey -OutFile $file
        $pem | Should -Match '^-----BEGIN PUBLIC KEY-----'
        Get-Content -Raw $file | Should -BeExactly $pem
        $ec = [System.Security.Cryptography.ECDsa]::Create()
        $ec.ImportFromPem($pem)
        $ec.KeySize | Should -Be 256
    }
}

Describe 'Audit cmdlets: completion and help' {
    It 'completes operation names and the vault''s key names' {
        $line = "Get-HsmVaultAuditLog -VaultName $vault -Operation KeyEnc"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('KeyEncrypt')
        Connect-TestPrincipal operator -Quiet
        try {
            $line = "Get-HsmVaultKeyUsage -VaultName $vault -KeyName au"
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('audk')
        } finally {
            Connect-TestPrincipal auditor -Quiet
        }
    }

    It 'prints the records as a table' {
        $text = Get-HsmVaultAuditLog -VaultName $vault -Caller $app -Since $since | Out-String -Width 200
        $text | Should -Match 'OperationName'
        $text | Should -Match 'KeyEncrypt'
        $text | Should -Match 'keys/audk/'
    }
}

AfterAll {
    Remove-Item -Recurse -Force $work -ErrorAction SilentlyContinue
    Connect-TestPrincipal operator -Quiet
    Remove-HsmVault -VaultName $vault -Force -ErrorAction SilentlyContinue
}
