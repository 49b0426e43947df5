<#
.SYNOPSIS
    Punch a hole in a guest_memfd that the host has mapped: the mapping reads zeros there, and the kernel
    zaps exactly the gfns bound to the punched pages, clamped per slot.
.DESCRIPTION
    A MMAP|INIT_SHARED file is mapped MAP_SHARED on the host (Read-/Write-GmemMemory go through a mapping
    the session keeps). fallocate(PUNCH_HOLE|KEEP_SIZE) frees the pages, unmaps them from the host mapping
    and zaps the guest's view of every slot bound to them (kernel-semantics §2.4 row 4, §4): for a slot at
    base_gfn with file page offset pgoff, the pages [s, e) become gfns
    [base_gfn + max(pgoff, s) - pgoff, base_gfn + min(pgoff + npages, e) - pgoff).
    Runs on the Simulator by default; on -Backend Kvm the data claims are checked but the event claims are
    not (the real kernel does not report zaps).
    Run by tests/pester/GmemPS.Examples.Tests.ps1 on both backends, which fails if a claim stops holding.
.EXAMPLE
    pwsh -NoProfile -File examples/punch-while-mapped.ps1
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

Write-Step "A 2 MiB MMAP|INIT_SHARED file, its halves bound at gpa 256 MiB and 512 MiB (backend $Backend)"
$mark = Get-LastEventSequence -Backend $Backend
$vm = New-GmemVm -Backend $Backend
$file = $vm | New-GmemFile -Size 2MB -Mmap -InitShared
$vmId = (Get-GmemEvent -Backend $Backend -Since $mark -Kind VmCreated | Select-Object -Last 1).VmId
$inode = (Get-GmemEvent -Backend $Backend -Since $mark -Kind GuestMemfdCreated | Select-Object -Last 1).Inode
$file | Add-Memslot -Gpa 0x10000000 -Size 1MB -Offset 0          # slot 0: gfn 0x10000, file pages [0, 256)
$file | Add-Memslot -Gpa 0x20000000 -Size 1MB -Offset 1MB        # slot 1: gfn 0x20000, file pages [256, 512)
Get-Memslot -Vm $vm | ForEach-Object { Write-Host "  $($_.Id): gpa 0x$('{0:x}' -f $_.Gpa), file offset 0x$('{0:x}' -f $_.Offset)" }

Write-Step 'The host writes 0xab over file pages 2..5 (16 KiB at offset 0x2000)'
$pattern = [byte[]] (@(0xab) * 0x4000)
$file | Write-GmemMemory -Offset 0x2000 -Value $pattern
$before = $file | Read-GmemMemory -Offset 0x2000 -Count 0x4000
Add-Claim 'the mapping reads the pattern back' (Test-ByteSequence $before $pattern)

Write-Step 'Remove-GmemRange -Offset 0x3000 -Length 0x2000: punch pages 3..4 while mapped'
$mark = Get-LastEventSequence -Backend $Backend
$file | Remove-GmemRange -Offset 0x3000 -Length 0x2000 -Confirm:$false
if ($kernelEventsVisible) {
    $events = @(Get-GmemEvent -Backend $Backend -Since $mark)
    $events | Show-GmemEventList
    $zaps = @($events | Where-Object { $_.Kind -eq 'Invalidated' })
    Add-Claim 'exactly one zap: slot 0, gfns [0x10003, 0x10005), cause PunchHole' (($zaps.Count -eq 1) -and
        ($zaps[0].VmId -eq $vmId) -and ($zaps[0].Slot -eq 0) -and ($zaps[0].GfnStart -eq 0x10003) -and ($zaps[0].GfnEnd -eq 0x10005) -and
        ($zaps[0].Cause -eq 'PunchHole'))
    $freed = @($events | Where-Object { $_.Kind -eq 'PagesFreed' })
    Add-Claim 'file pages [3, 5) are freed, 2 of them' (($freed.Count -eq 1) -and
        ($freed[0].Inode -eq $inode) -and ($freed[0].FirstPage -eq 3) -and ($freed[0].EndPage -eq 5) -and ($freed[0].FreedPages -eq 2))
}

$after = $file | Read-GmemMemory -Offset 0x2000 -Count 0x4000
$page2 = $after[0..0xfff]
$hole = $after[0x1000..0x2fff]
$page5 = $after[0x3000..0x3fff]
Write-Host ("  page 2: 0x{0:x2}..., pages 3-4: 0x{1:x2}..., page 5: 0x{2:x2}..." -f $page2[0], $hole[0], $page5[0])
Add-Claim 'the same mapping reads zeros in the hole' (Test-ByteSequence $hole ([byte[]]::new(0x2000)))
Add-Claim 'the pages around the hole keep 0xab' ((Test-ByteSequence $page2 ([byte[]] (@(0xab) * 0x1000))) -and
    (Test-ByteSequence $page5 ([byte[]] (@(0xab) * 0x1000))))
$guest = $vm | Invoke-GuestAccess -Gpa 0x10003000 -Read 4
Add-Claim 'the guest reads zeros at gpa 0x10003000 too' ($guest.Completed -and (Test-ByteSequence $guest.Data (0, 0, 0, 0)))

Write-Step 'Punch 16 KiB across the two halves (offset 0xfe000): one zap per slot, each clamped to its slot'
$mark = Get-LastEventSequence -Backend $Backend
$file | Remove-GmemRange -Offset 0xfe000 -Length 0x4000 -Confirm:$false
if ($kernelEventsVisible) {
    $zaps = @(Get-GmemEvent -Backend $Backend -Since $mark -Kind Invalidated | Sort-Object -Property Slot)
    $zaps | Show-GmemEventList
    Add-Claim 'slot 0 loses gfns [0x100fe, 0x10100) and slot 1 gfns [0x20000, 0x20002)' (($zaps.Count -eq 2) -and
        ($zaps[0].Slot -eq 0) -and ($zaps[0].GfnStart -eq 0x100fe) -and ($zaps[0].GfnEnd -eq 0x10100) -and
        ($zaps[1].Slot -eq 1) -and ($zaps[1].GfnStart -eq 0x20000) -and ($zaps[1].GfnEnd -eq 0x20002) -and
        ($zaps[0].VmId -eq $vmId) -and ($zaps[1].VmId -eq $vmId) -and
        ($zaps[0].Cause -eq 'PunchHole') -and ($zaps[1].Cause -eq 'PunchHole'))
}

Assert-Claim
