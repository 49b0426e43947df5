<#
.SYNOPSIS
    Runs the GmemPS Pester suite in this pwsh and exits with the number of failed tests.
.DESCRIPTION
    Start it in a fresh process, because a loaded binary module cannot be unloaded:
        pwsh -NoProfile -File tests/pester/Invoke-PesterSuite.ps1 -ModulePath out/GmemPS
    Every *.Tests.ps1 file next to this script runs with -ModulePath passed in. Kvm-tagged tests skip
    themselves where /dev/kvm is not usable. The last line printed is always
        Pester: <passed> passed, <failed> failed, <skipped> skipped
.PARAMETER ModulePath
    The built module folder (or its .psd1), relative to the current directory or absolute.
.PARAMETER Tag
    Run only tests with one of these tags (Simulator, Kvm).
.PARAMETER ExcludeTag
    Skip tests with one of these tags.
.PARAMETER TestResultPath
    Also write an NUnit XML report there.
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/GmemPS'),
    [string[]] $Tag,
    [string[]] $ExcludeTag,
    [string] $TestResultPath
)
$ErrorActionPreference = 'Stop'

$failed = 0
$passed = 0
$skipped = 0
try {
    $module = (Resolve-Path -LiteralPath $ModulePath).ProviderPath
    # Pester 5.x or 6.x; the suite avoids what 6 removed (Assert-MockCalled, -Pending, -Focus, legacy Should).
    Import-Module -Name Pester -MinimumVersion 5.0.0 -ErrorAction Stop

    $containers = @(Get-ChildItem -LiteralPath $PSScriptRoot -Filter '*.Tests.ps1' | Sort-Object -Property Name |
            ForEach-Object { New-PesterContainer -Path $_.FullName -Data @{ ModulePath = $module } })

    $configuration = New-PesterConfiguration
    $configuration.Run.Container = $containers
    $configuration.Run.PassThru = $true
    $configuration.Run.Exit = $false
    $configuration.Output.Verbosity = 'Detailed'
    if ($Tag) { $configuration.Filter.Tag = $Tag }
    if ($ExcludeTag) { $configuration.Filter.ExcludeTag = $ExcludeTag }
    if ($TestResultPath) {
        $configuration.TestResult.Enabled = $true
        $configuration.TestResult.OutputPath = $TestResultPath
    }

    $result = Invoke-Pester -Configuration $configuration
    $passed = $result.PassedCount
    $skipped = $result.SkippedCount
    # A file that cannot even be discovered fails no test but must not pass silently.
    $failed = $result.FailedCount + $result.FailedContainersCount
    if ($failed -eq 0 -and $result.Result -eq 'Failed') { $failed = 1 }
}
catch {
    Write-Host "The suite could not run: $($_.Exception.Message)"
    $failed = [Math]::Max($failed, 1)
}

Write-Host "Pester: $passed passed, $failed failed, $skipped skipped"
exit $failed
