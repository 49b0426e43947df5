<#
.SYNOPSIS
    Seed A, who pins whom: upstream's "the guest_memfd file pins the VM" next to Ackerley's "memslots pin the
    file, the owner is set at the first bind", with Sean's objection to rebinding and his options.
.DESCRIPTION
    Scenarios 1, 2, 4 and 5 of shared/reference/seeds-and-peers.md ("Scenarios a user would want to script"):
      1. close the VM fd of a bound VM: upstream keeps the VM alive until its file goes (Ackerley's "false
         handle"); the alternative destroys the VM and the file survives unbound;
      2. close the file fd while a slot is bound: upstream zaps the slot; the alternative cannot, the slot
         holds the file;
      4. bind the file into a second VM: upstream refuses it; the alternative allows it once the first VM has
         no binding, and the second VM reads the first one's data (DataExposedToOtherVm) unless
         -RebindPolicy zeroes it (ZeroOnUnbind, ZeroOnRebind) or forbids it (ForbidOtherVm);
      5. KVM_CREATE_GUEST_MEMFD on /dev/kvm: upstream refuses it; the alternative returns an owner-less file.
    The upstream half runs on -Backend (Simulator or Kvm); the designs run on the Simulator only, and on -Backend
    Kvm the script also checks that the real kernel's backend refuses them. Each design event names the
    decision it illustrates (its Design property).
    Run by tests/pester/GmemPS.Examples.Tests.ps1 on both backends, which fails if a claim stops holding.
.EXAMPLE
    pwsh -NoProfile -File examples/design-who-pins-whom.ps1
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
$sim = 'Simulator'

function Get-EventsOfKind {
    param([string] $From, [long] $Since, [string] $Kind)
    return @(Get-GmemEvent -Backend $From -Since $Since -Kind $Kind)
}

# ---------------------------------------------------------------------------------------------------
Write-Step "Scenario 1, upstream (backend $Backend): close the VM fd of a VM whose file is bound"
$vm = New-GmemVm -Backend $Backend
$file = $vm | New-GmemFile -Size 2MB -Mmap -InitShared
$null = $file | Add-Memslot -Gpa 0 -PassThru
$mark = Get-LastEventSequence -Backend $Backend
$vm | Remove-GmemVm -Confirm:$false
$file | Add-GmemRange
$file | Remove-GmemRange -Offset 0 -Length 4KB -Confirm:$false
Add-Claim 'the file still allocates and punches after its VM fd is closed' $true
if ($kernelEventsVisible) {
    $kept = @(Get-EventsOfKind $Backend $mark 'VmKeptAliveByFiles')
    $kept | Show-GmemEventList
    Add-Claim 'the VM lives on, kept by its file (VmKeptAliveByFiles, design: the file pins the VM)' (
        ($kept.Count -eq 1) -and ($kept[0].Files -eq 1) -and ($kept[0].Design -like 'Seed A, upstream*'))
    Add-Claim 'and is not destroyed yet' (@(Get-EventsOfKind $Backend $mark 'VmDestroyed').Count -eq 0)
}
$file | Close-GmemFile
if ($kernelEventsVisible) {
    Add-Claim 'closing the file destroys the VM' (@(Get-EventsOfKind $Backend $mark 'VmDestroyed').Count -eq 1)
}

# ---------------------------------------------------------------------------------------------------
Write-Step 'Scenario 1, alternative (Simulator, -PinModel SlotPinsFile): the same close'
if ($Backend -eq 'Kvm') {
    $Error.Clear()
    $null = New-GmemVm -Backend Kvm -PinModel SlotPinsFile -ErrorAction SilentlyContinue
    Add-Claim 'the Kvm backend runs upstream only: GmemDesignNotOnKvm' ((Get-ErrorIdOf $Error[0]) -eq 'GmemDesignNotOnKvm')
}
$mark = Get-LastEventSequence -Backend $sim
$alt = New-GmemVm -Backend $sim -PinModel SlotPinsFile
$altFile = $alt | New-GmemFile -Size 2MB -Mmap -InitShared
$null = $altFile | Add-Memslot -Gpa 0 -PassThru
$altVmId = @(Get-EventsOfKind $sim $mark 'VmCreated')[-1].VmId
$mark = Get-LastEventSequence -Backend $sim
$alt | Remove-GmemVm -Confirm:$false
$events = @(Get-GmemEvent -Backend $sim -Since $mark)
$events | Show-GmemEventList
Add-Claim 'the VM is destroyed at its fd close' (@($events | Where-Object { $_.Kind -eq 'VmDestroyed' -and $_.VmId -eq $altVmId }).Count -eq 1)
Add-Claim 'its slot let go of the file, which is now unowned (GmemOwnerCleared)' (@($events | Where-Object { $_.Kind -eq 'GmemOwnerCleared' }).Count -eq 1)
$altFile | Add-GmemRange
Add-Claim 'the file survives unbound and still allocates' ("$((Get-GmemFile $altFile.Id).State)" -eq 'Open')

# ---------------------------------------------------------------------------------------------------
Write-Step 'Scenario 2, alternative: closing the file fd while a slot is bound zaps nothing'
$alt2 = New-GmemVm -Backend $sim -PinModel SlotPinsFile
$alt2File = $alt2 | New-GmemFile -Size 2MB
$null = $alt2File | Add-Memslot -Gpa 0 -PassThru
$mark = Get-LastEventSequence -Backend $sim
$alt2File | Close-GmemFile
$events = @(Get-GmemEvent -Backend $sim -Since $mark)
$events | Show-GmemEventList
Add-Claim 'the file is kept by its slot (FileKeptAliveBySlots) and nothing is zapped' (
    (@($events | Where-Object { $_.Kind -eq 'FileKeptAliveBySlots' }).Count -eq 1) -and
    (@($events | Where-Object { $_.Kind -eq 'Invalidated' }).Count -eq 0))

# ---------------------------------------------------------------------------------------------------
Write-Step "Scenario 4, upstream (backend $Backend): bind one VM's file into another VM"
$vm1 = New-GmemVm -Backend $Backend
$vm2 = New-GmemVm -Backend $Backend
$shared = $vm1 | New-GmemFile -Size 2MB -Mmap -InitShared
$Error.Clear()
$shared | Add-Memslot -IntoVm $vm2 -Gpa 0 -ErrorAction SilentlyContinue
$expectedId = if ($Backend -eq 'Simulator') { 'GmemFdOtherVm' } else { 'SetUserMemoryRegion2EINVAL' }
Add-Claim "the kernel refuses another VM's guest_memfd with EINVAL ($expectedId)" (
    ((Get-KernelErrno $Error[0]) -eq 'EINVAL') -and ((Get-ErrorIdOf $Error[0]) -eq $expectedId))

Write-Step 'Scenario 4, alternative: rebinding after the first VM let go, per -RebindPolicy'
foreach ($policy in 'Expose', 'ZeroOnRebind') {
    $first = New-GmemVm -Backend $sim -PinModel SlotPinsFile -RebindPolicy $policy
    $second = New-GmemVm -Backend $sim -PinModel SlotPinsFile -RebindPolicy $policy
    $data = $first | New-GmemFile -Size 2MB -Mmap -InitShared
    $slot = $data | Add-Memslot -Gpa 0 -PassThru
    $null = $first | Invoke-GuestAccess -Gpa 0x3000 -Write (1..16 | ForEach-Object { [byte]0xaa })
    $slot | Remove-Memslot -Confirm:$false
    $mark = Get-LastEventSequence -Backend $sim
    $null = $data | Add-Memslot -IntoVm $second -Gpa 0 -PassThru
    $read = $second | Invoke-GuestAccess -Gpa 0x3000 -Read 16
    $events = @(Get-GmemEvent -Backend $sim -Since $mark)
    $events | Show-GmemEventList
    $exposed = @($events | Where-Object { $_.Kind -eq 'DataExposedToOtherVm' })
    if ($policy -eq 'Expose') {
        Add-Claim "Expose: the second VM reads the first VM's 0xaa" (Test-ByteSequence $read.Data ([byte[]] (@(0xaa) * 16)))
        Add-Claim 'and the exposure is an event naming Sean''s objection' (($exposed.Count -eq 1) -and ($exposed[0].Design -like "*Sean's objection*"))
    }
    else {
        Add-Claim 'ZeroOnRebind: the second VM reads zeros' (Test-ByteSequence $read.Data ([byte[]]::new(16)))
        Add-Claim 'no exposure; the pages were zeroed for the new owner (option c)' (($exposed.Count -eq 0) -and
            (@($events | Where-Object { $_.Kind -eq 'PagesZeroedForNewOwner' -and $_.Design -like "*option (c)*" }).Count -eq 1))
    }
}

# ---------------------------------------------------------------------------------------------------
Write-Step 'Scenario 5: KVM_CREATE_GUEST_MEMFD on /dev/kvm (New-GmemFile -SystemIoctl)'
$Error.Clear()
$null = New-GmemFile -SystemIoctl -Backend $sim -Size 2MB -ErrorAction SilentlyContinue
Add-Claim 'upstream: EINVAL, it is a VM ioctl (GmemCreateIsVmIoctl)' (
    ((Get-KernelErrno $Error[0]) -eq 'EINVAL') -and ((Get-ErrorIdOf $Error[0]) -eq 'GmemCreateIsVmIoctl'))
$mark = Get-LastEventSequence -Backend $sim
$unowned = New-GmemFile -SystemIoctl -Backend $sim -PinModel SlotPinsFile -Size 2MB
Add-Claim 'the alternative: a file with no VM' ($null -eq $unowned.Vm)
$owner = New-GmemVm -Backend $sim -PinModel SlotPinsFile
$null = $unowned | Add-Memslot -IntoVm $owner -Gpa 0 -PassThru
$set = @(Get-EventsOfKind $sim $mark 'GmemOwnerSet')
$set | Show-GmemEventList
Add-Claim 'its first bind makes the VM its owner (GmemOwnerSet)' ($set.Count -eq 1)

Assert-Claim
