# Writes the module's MAML help (what Get-Help reads for binary cmdlets) from HsmVault.help.psd1 and the syntax of the
# built module. Run after a change of a cmdlet's parameters or help text:
#   pwsh -NoProfile -File tools/HsmVault.PowerShell/help/Build-Help.ps1 [-ModulePath <built HsmVault.psd1>] [-OutFile <xml>]
# tests/PowerShell checks that the committed en-US/HsmVault.PowerShell.dll-Help.xml is what this script writes.
param(
    [string] $ModulePath = "$PSScriptRoot/../bin/Release/net10.0/HsmVault.psd1",
    [string] $OutFile = "$PSScriptRoot/../en-US/HsmVault.PowerShell.dll-Help.xml"
)
$ErrorActionPreference = 'Stop'
$text = Import-PowerShellDataFile "$PSScriptRoot/HsmVault.help.psd1"
$module = Import-Module $ModulePath -Force -PassThru
$common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
$maml = 'http://schemas.microsoft.com/maml/2004/10'
$command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$dev = 'http://schemas.microsoft.com/maml/dev/2004/10'

$settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; Encoding = [System.Text.UTF8Encoding]::new($false); NewLineChars = "`n" }
$stream = [System.IO.MemoryStream]::new()
$w = [System.Xml.XmlWriter]::Create($stream, $settings)
function Para([string] $value) { $w.WriteStartElement('maml', 'para', $maml); $w.WriteString($value); $w.WriteEndElement() }
function Description([string] $value) { $w.WriteStartElement('maml', 'description', $maml); Para $value; $w.WriteEndElement() }
function ParameterAttributes($p, $set) {
    $w.WriteAttributeString('required', "$($set.IsMandatory)".ToLowerInvariant())
    $w.WriteAttributeString('position', $(if ($set.Position -ge 0) { "$($set.Position)" } else { 'named' }))
    $pipe = @(); if ($set.ValueFromPipeline) { $pipe += 'ByValue' }; if ($set.ValueFromPipelineByPropertyName) { $pipe += 'ByPropertyName' }
    $w.WriteAttributeString('pipelineInput', $(if ($pipe) { "True ($($pipe -join ', '))" } else { 'False' }))
    $w.WriteAttributeString('globbing', "$([bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }))".ToLowerInvariant())
}
function TypeName($p) { if ($p.ParameterType -eq [System.Management.Automation.SwitchParameter]) { $null } else { $p.ParameterType.Name } }

$w.WriteStartElement('helpItems', 'http://msh')
$w.WriteAttributeString('schema', 'maml')
$exported = @($module.ExportedCmdlets.Keys | Sort-Object)
$missing = @($exported | Where-Object { -not $text.Cmdlets.ContainsKey($_) })
if ($missing) { throw "No help text in HsmVault.help.psd1 for: $($missing -join ', ')" }
foreach ($name in $exported) {
    $info = Get-Command $name
    $h = $text.Cmdlets[$name]
    $w.WriteStartElement('command', 'command', $command)
    $w.WriteAttributeString('xmlns', 'maml', $null, $maml)
    $w.WriteAttributeString('xmlns', 'dev', $null, $dev)
    $w.WriteStartElement('command', 'details', $command)
    $w.WriteElementString('name', $command, $name)
    $w.WriteElementString('verb', $command, $info.Verb)
    $w.WriteElementString('noun', $command, $info.Noun)
    Description $h.Synopsis
    $w.WriteEndElement()
    Description $h.Description

    $w.WriteStartElement('command', 'syntax', $command)
    foreach ($set in $info.ParameterSets) {
        $w.WriteStartElement('command', 'syntaxItem', $command)
        $w.WriteElementString('name', $maml, $name)
        foreach ($p in $set.Parameters | Where-Object { $_.Name -notin $common }) {
            $w.WriteStartElement('command', 'parameter', $command)
            ParameterAttributes $info.Parameters[$p.Name] $p
            $w.WriteElementString('name', $maml, $p.Name)
            if (TypeName $p) { $w.WriteStartElement('command', 'parameterValue', $command); $w.WriteAttributeString('required', 'true'); $w.WriteString((TypeName $p)); $w.WriteEndElement() }
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'parameters', $command)
    foreach ($p in $info.Parameters.Values | Where-Object { $_.Name -notin $common } | Sort-Object Name) {
        $about = if ($h.Parameters -and $h.Parameters[$p.Name]) { $h.Parameters[$p.Name] } else { $text.Common[$p.Name] }
        if (-not $about) { throw "No help text for $name -$($p.Name) (add it to the cmdlet's Parameters or to Common)" }
        $firstSet = $p.ParameterSets.Values | Sort-Object { -[int]$_.IsMandatory } | Select-Object -First 1
        $w.WriteStartElement('command', 'parameter', $command)
        ParameterAttributes $p $firstSet
        $w.WriteElementString('name', $maml, $p.Name)
        Description $about
        if (TypeName $p) { $w.WriteStartElement('command', 'parameterValue', $command); $w.WriteAttributeString('required', 'true'); $w.WriteString((TypeName $p)); $w.WriteEndElement() }
        $w.WriteStartElement('dev', 'type', $dev); $w.WriteElementString('name', $maml, $p.ParameterType.FullName); $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'returnValues', $command)
    foreach ($type in $info.OutputType) {
        $w.WriteStartElement('command', 'returnValue', $command)
        $w.WriteStartElement('dev', 'type', $dev); $w.WriteElementString('name', $maml, $type.Name); $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'examples', $command)
    $i = 0
    foreach ($example in $h.Examples) {
        $i++
        $w.WriteStartElement('command', 'example', $command)
        $w.WriteElementString('title', $maml, "-------------------------- Example $i --------------------------")
        $w.WriteElementString('code', $dev, $example.Code)
        $w.WriteStartElement('dev', 'remarks', $dev); Para $example.Remarks; $w.WriteEndElement()
        $w.WriteEndElement()
    }
    $w.WriteEndElement()
    $w.WriteEndElement()
}
$w.WriteEndElement()
$w.Flush()
$w.Dispose()
New-Item -ItemType Directory -Force (Split-Path $OutFile) | Out-Null
[System.IO.File]::WriteAllBytes($OutFile, $stream.ToArray() + [byte[]](10))
