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
.PARAMETER SummaryPath
    Also write the counts as JSON there (passed, failed, skipped, and per backend by tag), for tests/Write-TestSummary.ps1.
.PARAMETER RequireKvm
    This machine has a usable /dev/kvm: a Kvm backend that cannot run fails the suite instead of skipping.
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/GmemPS'),
    [string[]] $Tag,
    [string[]] $ExcludeTag,
    [string] $TestResultPath,
    [string] $SummaryPath,
    [switch] $RequireKvm
)
$ErrorActionPreference = 'Stop'

$failed = 0
$passed = 0
$skipped = 0
$backends = [ordered]@{}
foreach ($backend in 'Kvm', 'Simulator') { $backends[$backend] = [ordered]@{ passed = 0; failed = 0; skipped = 0 } }
# Read by GmemPS.BackendCases.ps1 when it decides whether the Kvm cases run.
$env:GMEMPS_REQUIRE_KVM = if ($RequireKvm) { '1' } else { '' }

function Get-TagsOf($Test) {
    # A test's own tags and those of every block above it (Describe -Tag Kvm marks all its tests).
    $tags = @($Test.Tag)
    $block = $Test.Block
    while ($null -ne $block) {
        $tags += @($block.Tag)
        $block = $block.Parent
    }
    return $tags
}
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
    foreach ($test in $result.Tests) {
        $outcome = switch ($test.Result) { 'Passed' { 'passed' } 'Failed' { 'failed' } default { 'skipped' } }
        $tags = Get-TagsOf $test
        foreach ($backend in 'Kvm', 'Simulator') { if ($tags -contains $backend) { $backends[$backend][$outcome]++ } }
    }
}
catch {
    Write-Host "The suite could not run: $($_.Exception.Message)"
    $failed = [Math]::Max($failed, 1)
}

Write-Host "Pester: $passed passed, $failed failed, $skipped skipped (Kvm: $($backends.Kvm.passed) passed; Simulator: $($backends.Simulator.passed) passed)"
if ($SummaryPath) {
    [ordered]@{ passed = $passed; failed = $failed; skipped = $skipped; backends = $backends } |
        ConvertTo-Json -Depth 4 | Set-Content -LiteralPath $SummaryPath
}
exit $failed
