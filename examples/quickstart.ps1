<#
.SYNOPSIS
    A short tour of GmemPS: a VM, a 2 MiB guest_memfd, a memslot, allocate, guest access, punch, events, map.
.DESCRIPTION
    Runs on the Simulator by default (-Backend Kvm uses /dev/kvm). Prints what each step shows and ends by
    checking its own claims; it throws if one does not hold.
    Run by tests/pester/GmemPS.Examples.Tests.ps1 on both backends, which fails if a claim stops holding.
.EXAMPLE
    pwsh -NoProfile -File examples/quickstart.ps1
.EXAMPLE
    Start-Job -FilePath examples/quickstart.ps1 -ArgumentList Kvm | Receive-Job -Wait
    In a job (started from the repository root or from examples/) the script finds ExampleSupport.ps1 from the
    working directory; the job has a session of its own.
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

# The real kernel does not report zaps or page frees; the Kvm backend logs only what it asked for.
$kernelEventsVisible = $Backend -eq 'Simulator'

Write-Step "New-GmemVm | New-GmemFile -Size 2MB -Mmap -InitShared  (backend $Backend)"
$mark = Get-LastEventSequence -Backend $Backend
$vm = New-GmemVm -Backend $Backend
$file = $vm | New-GmemFile -Size 2MB -Mmap -InitShared
$vmId = (Get-GmemEvent -Backend $Backend -Since $mark -Kind VmCreated | Select-Object -Last 1).VmId
$inode = (Get-GmemEvent -Backend $Backend -Since $mark -Kind GuestMemfdCreated | Select-Object -Last 1).Inode
Write-Host "  $($vm.Id) (kernel vm $vmId), $($file.Id) (inode $inode): $($file.Size) bytes, flags $($file.Flags)"

Write-Step 'Add-Memslot -Gpa 0 -PassThru: the whole file at gpa 0, in the lowest free slot'
$slot = $file | Add-Memslot -Gpa 0 -PassThru
Write-Host "  $($slot.Id): gpa 0x$('{0:x}' -f $slot.Gpa), size 0x$('{0:x}' -f $slot.Size), file offset 0x$('{0:x}' -f $slot.Offset)"
Add-Claim 'the slot is slot 0 at gpa 0x0 covering 2 MiB' (($slot.Slot -eq 0) -and ($slot.Gpa -eq 0) -and ($slot.Size -eq 2MB))

Write-Step 'Add-GmemRange: fallocate(KEEP_SIZE) over the whole file'
$mark = Get-LastEventSequence -Backend $Backend
$file | Add-GmemRange
if ($kernelEventsVisible) {
    $allocated = @(Get-GmemEvent -Backend $Backend -Since $mark -Kind PagesAllocated)
    $allocated | Show-GmemEventList
    Add-Claim 'pages [0, 512) are allocated, all 512 new' (($allocated.Count -eq 1) -and
        ($allocated[0].Inode -eq $inode) -and ($allocated[0].FirstPage -eq 0) -and ($allocated[0].EndPage -eq 512) -and ($allocated[0].NewPages -eq 512))
}

Write-Step 'The host writes "GMEM" at file offset 0x1000; the guest reads gpa 0x1000'
$gmem = [System.Text.Encoding]::ASCII.GetBytes('GMEM')
$file | Write-GmemMemory -Offset 0x1000 -Value $gmem
$guest = $vm | Invoke-GuestAccess -Gpa 0x1000 -Read 4
Write-Host "  guest: $guest, data $(@($guest.Data) -join ',')"
Add-Claim 'the guest read completes and sees the bytes of "GMEM"' ($guest.Completed -and (Test-ByteSequence $guest.Data $gmem))

Write-Step 'Remove-GmemRange -Offset 0x1000 -Length 4KB: punch one page'
$mark = Get-LastEventSequence -Backend $Backend
$file | Remove-GmemRange -Offset 0x1000 -Length 4KB -Confirm:$false
if ($kernelEventsVisible) {
    $events = @(Get-GmemEvent -Backend $Backend -Since $mark)
    $events | Show-GmemEventList
    $zaps = @($events | Where-Object { $_.Kind -eq 'Invalidated' })
    Add-Claim 'exactly one zap: slot 0, gfns [0x1, 0x2), cause PunchHole' (($zaps.Count -eq 1) -and
        ($zaps[0].VmId -eq $vmId) -and ($zaps[0].Slot -eq 0) -and ($zaps[0].GfnStart -eq 0x1) -and ($zaps[0].GfnEnd -eq 0x2) -and
        ($zaps[0].Cause -eq 'PunchHole'))
    $freed = @($events | Where-Object { $_.Kind -eq 'PagesFreed' })
    Add-Claim 'page [1, 2) of the file is freed' (($freed.Count -eq 1) -and
        ($freed[0].Inode -eq $inode) -and ($freed[0].FirstPage -eq 1) -and ($freed[0].EndPage -eq 2) -and ($freed[0].FreedPages -eq 1))
}
$hostBytes = $file | Read-GmemMemory -Offset 0x1000 -Count 4
$guestBytes = ($vm | Invoke-GuestAccess -Gpa 0x1000 -Read 4).Data
Write-Host "  host reads $(@($hostBytes) -join ','); guest reads $(@($guestBytes) -join ',')"
Add-Claim 'host and guest both read zeros in the hole' ((Test-ByteSequence $hostBytes (0, 0, 0, 0)) -and (Test-ByteSequence $guestBytes (0, 0, 0, 0)))

Write-Step 'Show-GmemMap'
$map = @(Show-GmemMap -Vm $vm)
$map | ForEach-Object { Write-Host "  $_" }
$row = '^\s+\[0x0, 0x200000\)\s+0\s+2 MiB\s+' + [regex]::Escape($file.Id) + '\s+\[0x0, 0x200000\)\s+Shared$'
Add-Claim "the map shows slot 0 at [0x0, 0x200000) bound to $($file.Id) [0x0, 0x200000), Shared" (@($map | Where-Object { $_ -match $row }).Count -eq 1)

Assert-Claim
