<#
.SYNOPSIS
    Close things in any order: the VM handle first, the guest_memfd first, and deleting a slot after its file
    is gone — with the kernel events each ordering produces.
.DESCRIPTION
    Who pins whom (kernel-semantics §3): the VM fd and every guest_memfd file hold a reference on the VM;
    memslots hold none on the file. So closing the VM handle first leaves a working file and a living VM,
    and closing a bound file leaves its slot behind, fileless, until it is deleted.
    Runs on the Simulator by default; on -Backend Kvm the data and errno claims are checked but the event
    claims are not (the real kernel does not report zaps, releases or VM destruction).
    Run by tests/pester/GmemPS.Examples.Tests.ps1 on both backends, which fails if a claim stops holding.
.EXAMPLE
    pwsh -NoProfile -File examples/close-orderings.ps1
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

$kernelEventsVisible = $Backend -eq 'Simulator'

function New-BoundVm {
    # A VM with one 2 MiB file bound at gpa 0 in slot 0; returns the objects and the kernel's ids for them.
    $mark = Get-LastEventSequence -Backend $Backend
    $vm = New-GmemVm -Backend $Backend
    $file = $vm | New-GmemFile -Size 2MB
    $slot = $file | Add-Memslot -Gpa 0 -PassThru
    [pscustomobject]@{
        Vm    = $vm
        File  = $file
        Slot  = $slot
        VmId  = (Get-GmemEvent -Backend $Backend -Since $mark -Kind VmCreated | Select-Object -Last 1).VmId
        Inode = (Get-GmemEvent -Backend $Backend -Since $mark -Kind GuestMemfdCreated | Select-Object -Last 1).Inode
    }
}

function Test-Zap {
    # True when $Zap is one Invalidated event with these values.
    param([object[]] $Zap, [int] $VmId, [int] $Slot, [uint64] $GfnStart, [uint64] $GfnEnd, [string] $Cause)
    return (($Zap.Count -eq 1) -and ($Zap[0].VmId -eq $VmId) -and ($Zap[0].Slot -eq $Slot) -and
        ($Zap[0].GfnStart -eq $GfnStart) -and ($Zap[0].GfnEnd -eq $GfnEnd) -and ("$($Zap[0].Cause)" -eq $Cause))
}

# ---------------------------------------------------------------------------------------------------
Write-Step 'Ordering 1: the VM handle first (Remove-GmemVm), then the file'
$a = New-BoundVm
$mark = Get-LastEventSequence -Backend $Backend
$a.Vm | Remove-GmemVm -Confirm:$false
if ($kernelEventsVisible) {
    Add-Claim 'closing the VM fd does not destroy the VM (its guest_memfd holds a reference)' (
        @(Get-GmemEvent -Backend $Backend -Since $mark -Kind VmDestroyed).Count -eq 0)
}

# The file still works: allocate the whole file, then punch its first page.
$a.File | Add-GmemRange
$a.File | Remove-GmemRange -Offset 0 -Length 4KB -Confirm:$false
Add-Claim 'after the VM fd is closed the file still allocates and punches' $true
if ($kernelEventsVisible) {
    $zap = @(Get-GmemEvent -Backend $Backend -Since $mark -Kind Invalidated)
    $zap | Show-GmemEventList
    Add-Claim 'the punch still zaps slot 0, gfns [0x0, 0x1) (the slot lives with the VM)' (
        Test-Zap $zap $a.VmId 0 0x0 0x1 'PunchHole')
}

$mark = Get-LastEventSequence -Backend $Backend
$a.File | Close-GmemFile
if ($kernelEventsVisible) {
    $events = @(Get-GmemEvent -Backend $Backend -Since $mark)
    $events | Show-GmemEventList
    Add-Claim 'the release zaps all of slot 0, gfns [0x0, 0x200), cause FileRelease' (
        Test-Zap @($events | Where-Object { $_.Kind -eq 'Invalidated' }) $a.VmId 0 0x0 0x200 'FileRelease')
    $released = @($events | Where-Object { $_.Kind -eq 'FileReleased' })
    Add-Claim "the file (inode $($a.Inode)) is released with 1 slot disconnected" (
        ($released.Count -eq 1) -and ($released[0].Inode -eq $a.Inode) -and ($released[0].SlotsDisconnected -eq 1))
    Add-Claim "closing the last file destroys vm $($a.VmId), as the last event" (
        ($events.Count -gt 0) -and ($events[-1].Kind -eq 'VmDestroyed') -and ($events[-1].VmId -eq $a.VmId))
}

# ---------------------------------------------------------------------------------------------------
Write-Step 'Ordering 2: the file first (Close-GmemFile while slot 0 is bound)'
$b = New-BoundVm
$mark = Get-LastEventSequence -Backend $Backend
$b.File | Close-GmemFile
if ($kernelEventsVisible) {
    $events = @(Get-GmemEvent -Backend $Backend -Since $mark)
    $events | Show-GmemEventList
    Add-Claim 'the release zaps all of slot 0, gfns [0x0, 0x200), cause FileRelease' (
        Test-Zap @($events | Where-Object { $_.Kind -eq 'Invalidated' }) $b.VmId 0 0x0 0x200 'FileRelease')
    $released = @($events | Where-Object { $_.Kind -eq 'FileReleased' })
    Add-Claim 'the file is released with 1 slot disconnected' (($released.Count -eq 1) -and ($released[0].SlotsDisconnected -eq 1))
    Add-Claim 'the VM lives on (its fd is open)' (@($events | Where-Object { $_.Kind -eq 'VmDestroyed' }).Count -eq 0)
}
$remaining = @(Get-Memslot -Vm $b.Vm)
Add-Claim 'slot 0 is still there, without its file' (($remaining.Count -eq 1) -and ($remaining[0].Slot -eq 0))

# ---------------------------------------------------------------------------------------------------
Write-Step 'Ordering 3: delete the slot after its file is closed (Remove-Memslot)'
$mark = Get-LastEventSequence -Backend $Backend
$b.Slot | Remove-Memslot -Confirm:$false
Add-Claim 'deleting a slot whose file is gone is accepted' (@(Get-Memslot -Vm $b.Vm).Count -eq 0)
if ($kernelEventsVisible) {
    $events = @(Get-GmemEvent -Backend $Backend -Since $mark)
    $events | Show-GmemEventList
    Add-Claim 'the delete zaps slot 0, gfns [0x0, 0x200), cause SlotDelete' (
        Test-Zap @($events | Where-Object { $_.Kind -eq 'Invalidated' }) $b.VmId 0 0x0 0x200 'SlotDelete')
    $deleted = @($events | Where-Object { $_.Kind -eq 'SlotDeleted' })
    Add-Claim 'a SlotDeleted event names slot 0' (($deleted.Count -eq 1) -and ($deleted[0].Slot -eq 0))
}

# Deleting it again: the kernel has no slot 0 any more.
$Error.Clear()
$b.Slot | Remove-Memslot -Confirm:$false -ErrorAction SilentlyContinue
$refusal = $Error[0]
Write-Host "  again: $($refusal.FullyQualifiedErrorId) ($(Get-KernelErrno $refusal)): $($refusal.Exception.Message)"
$expectedId = if ($Backend -eq 'Simulator') { 'MemslotDeleteMissing' } else { 'SetUserMemoryRegion2EINVAL' }
Add-Claim "deleting it again fails with EINVAL ($expectedId)" (
    ((Get-KernelErrno $refusal) -eq 'EINVAL') -and ((Get-ErrorIdOf $refusal) -eq $expectedId))

# The same slot id takes a new file.
$file2 = $b.Vm | New-GmemFile -Size 2MB
$rebound = $file2 | Add-Memslot -Gpa 0 -Slot 0 -PassThru
Add-Claim "slot 0 binds a new file ($($file2.Id))" (($rebound.Slot -eq 0) -and ($rebound.File.Id -eq $file2.Id))

$mark = Get-LastEventSequence -Backend $Backend
$b.Vm | Remove-GmemVm -Confirm:$false
if ($kernelEventsVisible) {
    Add-Claim 'closing the VM fd with the new file open leaves the VM alive' (
        @(Get-GmemEvent -Backend $Backend -Since $mark -Kind VmDestroyed).Count -eq 0)
}
$file2 | Close-GmemFile
if ($kernelEventsVisible) {
    $destroyed = @(Get-GmemEvent -Backend $Backend -Since $mark -Kind VmDestroyed)
    $destroyed | Show-GmemEventList
    Add-Claim "closing the new file destroys vm $($b.VmId)" (($destroyed.Count -eq 1) -and ($destroyed[0].VmId -eq $b.VmId))
}

Assert-Claim
