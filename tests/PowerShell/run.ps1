# Runs the Pester tests of the HsmVault module against the standalone test host (tests/run.sh sets HSMVAULT_TEST_*)
# and writes JUnit XML for the totals line. Usage: pwsh -NoProfile -File run.ps1 -PesterPath <Pester.psd1> -ResultPath <file.xml>
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ResultPath
)
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
$pester = Import-Module $PesterPath -PassThru
if ($pester.Version -ne [version]'6.2.0') { throw "Pester 6.2.0 expected, $PesterPath is $($pester.Version)" }
$config = New-PesterConfiguration
$config.Run.Path = $PSScriptRoot
$config.Run.Exit = $false
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'JUnitXml'
$config.TestResult.OutputPath = $ResultPath
$result = Invoke-Pester -Configuration $config
"Pester: $($result.PassedCount) passed, $($result.FailedCount) failed, $($result.SkippedCount) skipped"
