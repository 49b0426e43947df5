# Dot-sourced by every script in examples/: loads GmemPS once, reads the event log from a mark, finds the
# kernel's errno in an error record, and records the claims a script prints so it can check them at the end.

function Import-GmemPSForExample {
    # A module that is already loaded (a DLL cannot be unloaded) is used as it is; else this checkout's build,
    # else GmemPS by name (installed, or on PSModulePath).
    if (-not (Get-Module -Name GmemPS)) {
        $built = Join-Path $PSScriptRoot '../out/GmemPS'
        Import-Module -Name ((Test-Path (Join-Path $built 'GmemPS.psd1')) ? $built : 'GmemPS') -ErrorAction Stop
    }
}

$script:ExampleClaims = [System.Collections.Generic.List[object]]::new()

function Write-Step {
    param([Parameter(Mandatory)] [string] $Text)
    Write-Host ''
    Write-Host "== $Text"
}

function Add-Claim {
    # Prints a claim with ok/FAIL now; Assert-Claim fails the script at the end if any did not hold.
    param(
        [Parameter(Mandatory)] [string] $Claim,
        [Parameter(Mandatory)] [bool] $Holds
    )
    $script:ExampleClaims.Add([pscustomobject]@{ Claim = $Claim; Holds = $Holds })
    $verdict = if ($Holds) { 'ok  ' } else { 'FAIL' }
    Write-Host "  [$verdict] $Claim"
}

function Assert-Claim {
    $failed = @($script:ExampleClaims | Where-Object { -not $_.Holds })
    Write-Host ''
    Write-Host ('{0} of {1} claims hold.' -f ($script:ExampleClaims.Count - $failed.Count), $script:ExampleClaims.Count)
    if ($failed.Count -gt 0) {
        throw "Claims that did not hold: $(($failed | ForEach-Object { $_.Claim }) -join '; ')"
    }
}

function Get-LastEventSequence {
    # The newest event's sequence number: Get-GmemEvent -Since <it> then shows only what happens next.
    param([Parameter(Mandatory)] [string] $Backend)
    $last = Get-GmemEvent -Backend $Backend | Select-Object -Last 1
    if ($null -eq $last) { return [long]0 }
    return [long]$last.Sequence
}

function Show-GmemEventList {
    param([Parameter(ValueFromPipeline)] [object] $InputObject)
    process { Write-Host "    $InputObject" }
}

function Get-KernelErrno {
    # The errno of a kernel refusal held by an error record ($Error[0], -ErrorVariable), or '' for other errors.
    param([Parameter(Mandatory)] [System.Management.Automation.ErrorRecord] $ErrorRecord)
    $exception = $ErrorRecord.Exception
    while ($null -ne $exception) {
        if ($exception -is [GmemPS.Kernel.GmemException]) { return $exception.Errno.ToString() }
        $exception = $exception.InnerException
    }
    return ''
}

function Get-ErrorIdOf {
    # FullyQualifiedErrorId is "<id>,GmemPS.Commands.<Class>": the id is the kernel rule's id.
    param([Parameter(Mandatory)] [System.Management.Automation.ErrorRecord] $ErrorRecord)
    return ($ErrorRecord.FullyQualifiedErrorId -split ',')[0]
}

function Test-ByteSequence {
    # True when two byte sequences are equal (compared as text, so the result is one boolean).
    param([object] $Actual, [object] $Expected)
    return ((@($Actual) -join ',') -eq (@($Expected) -join ','))
}
