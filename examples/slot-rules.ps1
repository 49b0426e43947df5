<#
.SYNOPSIS
    Three memslot rules of KVM_SET_USER_MEMORY_REGION2 and how their refusals look in PowerShell:
    the gpa overlap check runs before the descriptor is looked at (EEXIST before EBADF), one file range
    binds to one slot (EINVAL), and a guest_memfd slot can only be deleted (EINVAL for anything else).
.DESCRIPTION
    Kernel refusals are per-object errors: -ErrorAction decides what happens, $Error and -ErrorVariable keep
    the record, FullyQualifiedErrorId starts with the kernel rule's id and the exception carries the errno.
    On the Simulator the rule ids are exact; the real kernel only returns an errno, so on -Backend Kvm an
    EINVAL is reported as 'SetUserMemoryRegion2EINVAL' (every rule that answers EINVAL), while EEXIST and
    EBADF each have one rule and keep their ids.
    Run by tests/pester/GmemPS.Examples.Tests.ps1 on both backends, which fails if a claim stops holding.
.EXAMPLE
    pwsh -NoProfile -File examples/slot-rules.ps1
#>
[CmdletBinding()]
param(
    [ValidateSet('Simulator', 'Kvm')]
    [string] $Backend = 'Simulator'
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
# In a job (Start-Job -FilePath) $PSScriptRoot is empty: the support file is then found from the working directory.
. (Join-Path ($PSScriptRoot ? $PSScriptRoot : ((Test-Path ./ExampleSupport.ps1) ? $PWD : "$PWD/examples")) 'ExampleSupport.ps1')
Import-GmemPSForExample

function Get-ExpectedId {
    # The error id the backend reports for a rule: the rule itself, or on Kvm the errno's combined id.
    param([string] $Rule, [string] $Errno)
    if ($Backend -eq 'Simulator' -or $Errno -ne 'EINVAL') { return $Rule }
    return 'SetUserMemoryRegion2EINVAL'
}

function Show-Refusal {
    param([System.Management.Automation.ErrorRecord] $Record)
    Write-Host "  error id : $($Record.FullyQualifiedErrorId)"
    Write-Host "  category : $($Record.CategoryInfo.Category)"
    Write-Host "  errno    : $(Get-KernelErrno $Record)"
    Write-Host "  message  : $($Record.Exception.Message)"
}

function Test-Refusal {
    param([System.Management.Automation.ErrorRecord] $Record, [string] $Errno, [string] $Rule)
    return (($null -ne $Record) -and ((Get-KernelErrno $Record) -eq $Errno) -and ((Get-ErrorIdOf $Record) -eq (Get-ExpectedId $Rule $Errno)))
}

# ---------------------------------------------------------------------------------------------------
Write-Step "Rule 1: the gpa overlap is checked before the guest_memfd descriptor (backend $Backend)"
$vm = New-GmemVm -Backend $Backend
$a = $vm | New-GmemFile -Size 2MB
$b = $vm | New-GmemFile -Size 2MB
$a | Add-Memslot -Gpa 0                           # slot 0: gpa [0, 2 MiB)
$b | Close-GmemFile                               # b's descriptor is closed from now on
Write-Host "  slot 0 holds gpa [0x0, 0x200000); $($b.Id) is closed"

# -ErrorAction SilentlyContinue: nothing is printed, the record goes to $Error.
$Error.Clear()
$b | Add-Memslot -Gpa 1MB -Size 1MB -ErrorAction SilentlyContinue
$overlap = $Error[0]
Show-Refusal $overlap
Add-Claim "closed $($b.Id) at gpa 1 MiB (meets slot 0): EEXIST MemslotGpaOverlap, ResourceExists - the overlap wins over EBADF" (
    (Test-Refusal $overlap 'EEXIST' 'MemslotGpaOverlap') -and ("$($overlap.CategoryInfo.Category)" -eq 'ResourceExists'))

# -ErrorVariable keeps this call's errors apart from $Error.
$b | Add-Memslot -Gpa 4MB -ErrorAction SilentlyContinue -ErrorVariable closedErrors
Show-Refusal $closedErrors[0]
Add-Claim "closed $($b.Id) at gpa 4 MiB (no overlap): EBADF GmemFdNotOpen" (
    ($closedErrors.Count -eq 1) -and (Test-Refusal $closedErrors[0] 'EBADF' 'GmemFdNotOpen'))

# ---------------------------------------------------------------------------------------------------
Write-Step 'Rule 2: one file range binds to one slot'
$vm2 = New-GmemVm -Backend $Backend
$c = $vm2 | New-GmemFile -Size 4MB
$first = $c | Add-Memslot -Gpa 0x10000000 -Size 2MB -Offset 0 -PassThru
Write-Host "  $($first.Id): gpa 0x10000000, file offsets [0x0, 0x200000)"

# -ErrorAction Stop turns the refusal into an exception a try/catch sees.
$reuse = $null
try {
    $c | Add-Memslot -Gpa 0x20000000 -Size 2MB -Offset 1MB -ErrorAction Stop
}
catch {
    $reuse = $_
}
Show-Refusal $reuse
Add-Claim "file offsets [0x100000, 0x300000) at a disjoint gpa: EINVAL $(Get-ExpectedId 'GmemRangeAlreadyBound' 'EINVAL') (not EEXIST)" (
    Test-Refusal $reuse 'EINVAL' 'GmemRangeAlreadyBound')
$second = $c | Add-Memslot -Gpa 0x20000000 -Size 2MB -Offset 2MB -PassThru
Add-Claim "the untouched half [0x200000, 0x400000) binds, as slot 1 after $($first.Id)" (($first.Slot -eq 0) -and ($second.Slot -eq 1))

# ---------------------------------------------------------------------------------------------------
Write-Step 'Rule 3: a guest_memfd slot can only be deleted'
$vm3 = New-GmemVm -Backend $Backend
$d = $vm3 | New-GmemFile -Size 2MB
$slot = $d | Add-Memslot -Gpa 0x10000000 -Slot 1 -PassThru

$Error.Clear()
$d | Add-Memslot -Gpa 0x10000000 -Slot 1 -ErrorAction SilentlyContinue       # re-issue it unchanged
$d | Add-Memslot -Gpa 0x30000000 -Slot 1 -ErrorAction SilentlyContinue       # move it
# $Error is newest first: [1] is the re-issue, [0] the move.
Show-Refusal $Error[1]
Add-Claim "re-issuing slot 1 unchanged: EINVAL $(Get-ExpectedId 'MemslotGmemImmutable' 'EINVAL')" (
    ($Error.Count -eq 2) -and (Test-Refusal $Error[1] 'EINVAL' 'MemslotGmemImmutable'))
Add-Claim "moving slot 1 to gpa 0x30000000: EINVAL $(Get-ExpectedId 'MemslotGmemImmutable' 'EINVAL')" (
    ($Error.Count -eq 2) -and (Test-Refusal $Error[0] 'EINVAL' 'MemslotGmemImmutable'))

$slot | Remove-Memslot -Confirm:$false
Add-Claim 'deleting slot 1 is accepted' (@(Get-Memslot -Vm $vm3).Count -eq 0)
$slot | Remove-Memslot -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable deleteAgain
Show-Refusal $deleteAgain[0]
Add-Claim "deleting it again: EINVAL $(Get-ExpectedId 'MemslotDeleteMissing' 'EINVAL')" (
    ($deleteAgain.Count -eq 1) -and (Test-Refusal $deleteAgain[0] 'EINVAL' 'MemslotDeleteMissing'))

$rebound = $d | Add-Memslot -Gpa 0x30000000 -Slot 1 -PassThru
Add-Claim 'after the delete, the same file range binds again as slot 1 at gpa 0x30000000' (($rebound.Slot -eq 1) -and ($rebound.Gpa -eq 0x30000000))

Assert-Claim
