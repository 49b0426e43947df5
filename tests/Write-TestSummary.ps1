<#
.SYNOPSIS
    Adds up one test run: the xunit results (a .trx file) and the Pester results (Invoke-PesterSuite.ps1's JSON),
    prints how many tests ran on each backend, and ends with the line "N passed, N failed, N skipped".
.DESCRIPTION
    A Kvm-backend test is an xunit test of a Kvm class (the GmemPS.Tests.Kvm namespace, KvmConformance) or a Pester
    test tagged Kvm; a Simulator test likewise. Other tests (module metadata, scenario files) count in the total only.
    Exits with the number of failures (at least 1 when a result file is missing).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Trx,
    [Parameter(Mandatory)] [string] $PesterSummary,
    [int] $ExtraFailures = 0
)
Set-StrictMode -Version Latest

$passed = 0; $failed = $ExtraFailures; $skipped = 0
$perBackend = [ordered]@{ Kvm = [ordered]@{ passed = 0; failed = 0; skipped = 0 }; Simulator = [ordered]@{ passed = 0; failed = 0; skipped = 0 } }

function Get-BackendOfClass([string] $ClassName) {
    if ($ClassName -match '\.Kvm\.|\.Kvm[A-Z]\w*$') { return 'Kvm' }
    if ($ClassName -match '\.(Simulator|Designs)\.|\.Simulator[A-Z]\w*$') { return 'Simulator' }
    return $null
}

function Add-Outcome([string] $Backend, [string] $Outcome) {
    if ($Backend) { $perBackend[$Backend][$Outcome]++ }
}

if (Test-Path -LiteralPath $Trx) {
    [xml] $doc = Get-Content -LiteralPath $Trx -Raw
    $classOf = @{}
    foreach ($definition in $doc.TestRun.TestDefinitions.UnitTest) { $classOf[$definition.id] = $definition.TestMethod.className }
    foreach ($result in $doc.TestRun.Results.UnitTestResult) {
        $outcome = switch ($result.outcome) { 'Passed' { 'passed' } 'NotExecuted' { 'skipped' } default { 'failed' } }
        switch ($outcome) { 'passed' { $passed++ } 'skipped' { $skipped++ } default { $failed++ } }
        Add-Outcome (Get-BackendOfClass $classOf[$result.testId]) $outcome
    }
}
else {
    Write-Host "FAIL: no xunit results at $Trx"
    $failed++
}

if (Test-Path -LiteralPath $PesterSummary) {
    $pester = Get-Content -LiteralPath $PesterSummary -Raw | ConvertFrom-Json
    $passed += $pester.passed; $failed += $pester.failed; $skipped += $pester.skipped
    foreach ($backend in 'Kvm', 'Simulator') {
        foreach ($outcome in 'passed', 'failed', 'skipped') { $perBackend[$backend][$outcome] += $pester.backends.$backend.$outcome }
    }
}
else {
    Write-Host "FAIL: the Pester suite wrote no summary at $PesterSummary"
    $failed++
}

Write-Host "$($perBackend.Kvm.passed) Kvm-backend tests passed ($($perBackend.Kvm.failed) failed, $($perBackend.Kvm.skipped) skipped)"
Write-Host "$($perBackend.Simulator.passed) Simulator tests passed ($($perBackend.Simulator.failed) failed, $($perBackend.Simulator.skipped) skipped)"
Write-Host "$passed passed, $failed failed, $skipped skipped"
exit $failed
