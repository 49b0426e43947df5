<#
.SYNOPSIS
    Seed D, per-slot invalidation: how a punch finds the gfns to zap. Upstream's per-file bindings index next
    to Chao's per-VM ofs_tree, Sean's per-slot notifier and his sketch of the gfn arithmetic.
.DESCRIPTION
    Scenarios 27, 28 and 30 of shared/reference/seeds-and-peers.md:
      27. two files bound at different gfns from the same file offsets; punch file A: upstream zaps only A's
          slot, the ofs_tree (keyed by offset alone) zaps B's slot too (MisdirectedInvalidation);
      28. punch a range that starts before a slot's offset: upstream clamps the gfns to the slot; Sean's sketch
          (no base_gfn) zaps gfns below the slot and leaves the punched ones mapped to freed pages
          (StaleMappingLeft), so the guest's next access is a use-after-free;
      30. one file in four slots, punch one page: the per-slot notifier calls all four, one acts.
    The upstream half runs on -Backend (on Kvm the data claims are checked, the zap claims need the Simulator's
    events); the rejected designs run on the Simulator. Each design event names the decision it illustrates.
    Run by tests/pester/GmemPS.Examples.Tests.ps1 on both backends, which fails if a claim stops holding.
.EXAMPLE
    pwsh -NoProfile -File examples/design-per-slot-invalidation.ps1
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

$sim = 'Simulator'

function New-TwoFileVm {
    # Files A and B, both bound from offset 0: A at gpa 256 MiB (slot 0), B at gpa 512 MiB (slot 1); B holds 0xbb.
    param([string] $On, [string] $OffsetIndex = 'PerFileBindings')
    $vm = New-GmemVm -Backend $On -OffsetIndex $OffsetIndex
    $a = $vm | New-GmemFile -Size 1MB -Mmap -InitShared
    $b = $vm | New-GmemFile -Size 1MB -Mmap -InitShared
    $null = $a | Add-Memslot -Gpa 0x10000000 -Slot 0 -PassThru
    $null = $b | Add-Memslot -Gpa 0x20000000 -Slot 1 -PassThru
    $b | Write-GmemMemory -Offset 0x10000 -Value ([byte[]] (@(0xbb) * 16))
    [pscustomobject]@{ Vm = $vm; A = $a; B = $b }
}

function Get-Zaps {
    param([long] $Since)
    return @(Get-GmemEvent -Backend $sim -Since $Since -Kind Invalidated | ForEach-Object { '{0}:0x{1:x}-0x{2:x}' -f $_.Slot, $_.GfnStart, $_.GfnEnd })
}

# ---------------------------------------------------------------------------------------------------
Write-Step "Scenario 27, upstream (backend $Backend): punch 8 KiB at offset 64 KiB of file A"
$mark = Get-LastEventSequence -Backend $sim
$up = New-TwoFileVm -On $Backend
$up.A | Remove-GmemRange -Offset 0x10000 -Length 0x2000 -Confirm:$false
$bData = $up.B | Read-GmemMemory -Offset 0x10000 -Count 16
Add-Claim "file B's pages at the same offsets keep their data" (Test-ByteSequence $bData ([byte[]] (@(0xbb) * 16)))
if ($Backend -eq 'Simulator') {
    $zaps = @(Get-Zaps $mark)
    Write-Host "  zaps: $($zaps -join ', ')"
    Add-Claim "the per-file index zaps only A's slot 0, gfns [0x10010, 0x10012)" (($zaps -join ',') -eq '0:0x10010-0x10012')
}

Write-Step 'Scenario 27, ofs_tree (Simulator, -OffsetIndex PerVmOffsetTree): the same punch'
$tree = New-TwoFileVm -On $sim -OffsetIndex PerVmOffsetTree
$mark = Get-LastEventSequence -Backend $sim
$tree.A | Remove-GmemRange -Offset 0x10000 -Length 0x2000 -Confirm:$false
Get-GmemEvent -Backend $sim -Since $mark | Show-GmemEventList
$zaps = @(Get-Zaps $mark)
Add-Claim "the tree, keyed by offset alone, zaps B's slot 1 too" (($zaps -join ',') -eq '0:0x10010-0x10012,1:0x20010-0x20012')
$wrong = @(Get-GmemEvent -Backend $sim -Since $mark -Kind MisdirectedInvalidation)
Add-Claim 'a MisdirectedInvalidation names slot 1 and the ofs_tree decision' (
    ($wrong.Count -eq 1) -and ($wrong[0].Slot -eq 1) -and ($wrong[0].Design -like "Seed D, Chao's v3 ofs_tree*"))

# ---------------------------------------------------------------------------------------------------
Write-Step 'Scenario 28: a slot at gpa 256 MiB backed from offset 1 MiB; punch file pages [200, 300)'
foreach ($math in 'Clamped', 'SketchWithoutBaseGfn') {
    $vm = New-GmemVm -Backend $sim -OffsetIndex PerSlotNotifier -GfnMath $math
    $file = $vm | New-GmemFile -Size 2MB -Mmap -InitShared
    $null = $file | Add-Memslot -Gpa 0x10000000 -Size 1MB -Offset 1MB -PassThru
    $null = $vm | Invoke-GuestAccess -Gpa 0x10000000 -Write ([byte[]] (@(0x42) * 16))
    $mark = Get-LastEventSequence -Backend $sim
    $file | Remove-GmemRange -Offset (200 * 4KB) -Length (100 * 4KB) -Confirm:$false
    $zaps = @(Get-Zaps $mark)
    Write-Host "  $math zaps: $($zaps -join ', ')"
    if ($math -eq 'Clamped') {
        Add-Claim 'upstream clamps both ends to the slot: gfns [0x10000, 0x1002c)' (($zaps -join ',') -eq '0:0x10000-0x1002c')
    }
    else {
        Add-Claim "the sketch zaps gfns [0x0, 0x2c), below the slot's base gfn 0x10000" (($zaps -join ',') -eq '0:0x0-0x2c')
        $stale = @(Get-GmemEvent -Backend $sim -Since $mark -Kind StaleMappingLeft)
        Add-Claim 'and leaves gfns [0x10000, 0x1002c) mapped to freed pages' (
            ($stale.Count -eq 1) -and ($stale[0].GfnStart -eq 0x10000) -and ($stale[0].GfnEnd -eq 0x1002c))
        $mark = Get-LastEventSequence -Backend $sim
        $null = $vm | Invoke-GuestAccess -Gpa 0x10000000 -Read 16
        $uaf = @(Get-GmemEvent -Backend $sim -Since $mark -Kind UseAfterFree)
        $uaf | Show-GmemEventList
        Add-Claim "the guest's next access goes through the stale mapping: a UseAfterFree naming the sketch" (
            ($uaf.Count -eq 1) -and ($uaf[0].Design -like "Seed D, Sean's sketch*"))
    }
}

# ---------------------------------------------------------------------------------------------------
Write-Step 'Scenario 30: one 4 MiB file in four 1 MiB slots; punch one page of the third'
foreach ($index in 'PerFileBindings', 'PerSlotNotifier') {
    $vm = New-GmemVm -Backend $sim -OffsetIndex $index
    $file = $vm | New-GmemFile -Size 4MB
    foreach ($i in 0..3) { $null = $file | Add-Memslot -Gpa ($i * 1GB) -Size 1MB -Offset ($i * 1MB) -Slot $i -PassThru }
    $mark = Get-LastEventSequence -Backend $sim
    $file | Remove-GmemRange -Offset 2MB -Length 4KB -Confirm:$false
    $calls = @(Get-GmemEvent -Backend $sim -Since $mark -Kind InvalidateCallback)
    $zaps = @(Get-Zaps $mark)
    Write-Host "  ${index}: $($calls.Count) callback(s), zaps: $($zaps -join ', ')"
    if ($index -eq 'PerFileBindings') {
        Add-Claim 'the per-file index visits only slot 2: no callbacks, one zap' (($calls.Count -eq 0) -and (($zaps -join ',') -eq '2:0x80000-0x80001'))
    }
    else {
        Add-Claim 'the notifier fan-out calls all 4 slots, 1 acts, one zap' (
            ($calls.Count -eq 4) -and (@($calls | Where-Object { $_.Acted }).Count -eq 1) -and ($zaps.Count -eq 1))
    }
}

Assert-Claim
