<#
.SYNOPSIS
    One 4 MiB guest_memfd split around the PCI hole: file 0–2 MiB at gpa 0 and 2–4 MiB at gpa 4 GiB, with
    guest access at both.
.DESCRIPTION
    A VMM keeps the 32-bit MMIO window free by putting RAM below and above it. With guest_memfd that is one
    file and two memslots bound at different offsets (kernel-facts.md, "Lifetime and layout"). The guest and
    the host then see the same bytes through both slots; the hole itself has no slot, so a guest access there
    exits to userspace as MMIO.
    Runs on the Simulator by default (-Backend Kvm: the same claims against /dev/kvm; the SlotCreated events
    come from both backends).
    Run by tests/pester/GmemPS.Examples.Tests.ps1 on both backends, which fails if a claim stops holding.
.EXAMPLE
    pwsh -NoProfile -File examples/pci-hole-split.ps1
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

Write-Step "A VM and one 4 MiB MMAP|INIT_SHARED guest_memfd (backend $Backend)"
$mark = Get-LastEventSequence -Backend $Backend
$vm = New-GmemVm -Backend $Backend
$file = $vm | New-GmemFile -Size 4MB -Mmap -InitShared
$vmId = (Get-GmemEvent -Backend $Backend -Since $mark -Kind VmCreated | Select-Object -Last 1).VmId
$inode = (Get-GmemEvent -Backend $Backend -Since $mark -Kind GuestMemfdCreated | Select-Object -Last 1).Inode

Write-Step 'Bind file 0-2 MiB at gpa 0 and file 2-4 MiB at gpa 4 GiB'
$mark = Get-LastEventSequence -Backend $Backend
$low = $file | Add-Memslot -Gpa 0 -Size 2MB -Offset 0 -PassThru
$high = $file | Add-Memslot -Gpa 4GB -Size 2MB -Offset 2MB -PassThru
$created = @(Get-GmemEvent -Backend $Backend -Since $mark -Kind SlotCreated)
$created | Show-GmemEventList
Add-Claim 'the halves are slots 0 and 1' (($low.Slot -eq 0) -and ($high.Slot -eq 1))
Add-Claim 'slot 0: gfn 0x0, 512 pages from file page 0; slot 1: gfn 0x100000, 512 pages from file page 512' (
    ($created.Count -eq 2) -and
    ($created[0].VmId -eq $vmId) -and ($created[0].Slot -eq 0) -and ($created[0].BaseGfn -eq 0x0) -and ($created[0].Pages -eq 512) -and
    ($created[0].Inode -eq $inode) -and ($created[0].PageOffset -eq 0) -and
    ($created[1].VmId -eq $vmId) -and ($created[1].Slot -eq 1) -and ($created[1].BaseGfn -eq 0x100000) -and ($created[1].Pages -eq 512) -and
    ($created[1].Inode -eq $inode) -and ($created[1].PageOffset -eq 512))

Write-Step 'The guest writes 0x11 at gpa 0x1000 and 0x22 at gpa 0x100001000 (4 GiB + 0x1000)'
$w1 = $vm | Invoke-GuestAccess -Gpa 0x1000 -Write ([byte[]] @(0x11))
$w2 = $vm | Invoke-GuestAccess -Gpa 0x100001000 -Write ([byte[]] @(0x22))
Write-Host "  below the hole: $w1; above the hole: $w2"
Add-Claim 'both guest writes complete' ($w1.Completed -and $w2.Completed)
$atLow = $file | Read-GmemMemory -Offset 0x1000 -Count 1
$atHigh = $file | Read-GmemMemory -Offset 0x201000 -Count 1
Write-Host "  host reads file offset 0x1000: $(@($atLow) -join ','); file offset 0x201000: $(@($atHigh) -join ',')"
Add-Claim 'the host sees 0x11 at file offset 0x1000 and 0x22 at 0x201000: one file behind both slots' (
    (Test-ByteSequence $atLow (0x11)) -and (Test-ByteSequence $atHigh (0x22)))

Write-Step 'The host writes c0 de at file offset 2 MiB; the guest reads gpa 4 GiB'
$file | Write-GmemMemory -Offset 2MB -Value ([byte[]] @(0xc0, 0xde))
$r = $vm | Invoke-GuestAccess -Gpa 4GB -Read 2
Write-Host "  guest: $r, data $(@($r.Data) -join ',')"
Add-Claim 'the guest reads c0 de at gpa 4 GiB' ($r.Completed -and (Test-ByteSequence $r.Data (0xc0, 0xde)))

Write-Step 'A guest read inside the hole, at gpa 3 GiB'
$inHole = $vm | Invoke-GuestAccess -Gpa 3GB -Read 1
Write-Host "  guest: $inHole"
Add-Claim 'no slot is there: the access exits as KVM_EXIT_MMIO at 0xc0000000' (($inHole.Exit -eq 'Mmio') -and ($inHole.ExitGpa -eq 3GB))

Write-Step 'The upper half cannot be bound a second time (at gpa 8 GiB)'
$again = $file | Add-Memslot -Gpa 8GB -Size 2MB -Offset 2MB -ErrorAction SilentlyContinue -ErrorVariable refused
Write-Host "  $($refused[0].FullyQualifiedErrorId): $($refused[0].Exception.Message)"
$expectedId = if ($Backend -eq 'Simulator') { 'GmemRangeAlreadyBound' } else { 'SetUserMemoryRegion2EINVAL' }
Add-Claim "binding file range [0x200000, 0x400000) again fails with EINVAL ($expectedId)" (
    ($null -eq $again) -and ($refused.Count -eq 1) -and ((Get-KernelErrno $refused[0]) -eq 'EINVAL') -and ((Get-ErrorIdOf $refused[0]) -eq $expectedId))

Write-Step 'Show-GmemMap'
$map = @(Show-GmemMap -Vm $vm)
$map | ForEach-Object { Write-Host "  $_" }
Add-Claim 'the map shows the 4094 MiB gap between the slots' (@($map | Where-Object { $_ -match '^\s+\[0x200000, 0x100000000\)\s+gap\s+4094 MiB$' }).Count -eq 1)
Add-Claim 'the map shows slot 1 at [0x100000000, 0x100200000) bound to file offsets [0x200000, 0x400000)' (
    @($map | Where-Object { $_ -match '^\s+\[0x100000000, 0x100200000\)\s+1\s+.*\[0x200000, 0x400000\)' }).Count -eq 1)

Assert-Claim
