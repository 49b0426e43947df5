<#
.SYNOPSIS
    Seed B, in-place conversion with host references: Fuad's RFC v5 (per-page mappability and a final-put
    callback), Vlastimil's speculative reference, Ackerley's punch-while-pending, and the 2026
    KVM_SET_MEMORY_ATTRIBUTES2 on the guest_memfd.
.DESCRIPTION
    Scenarios 13 to 19 of shared/reference/seeds-and-peers.md:
      13. unshare a page the VMM still maps: EAGAIN, nothing armed; Clear-GmemHostMapping and retry: Private;
      14. unshare a pinned page: Pending (nobody may map it) until the pin drops and the final-put callback
          finishes the conversion;
      15. a speculative reference during the unshare check: the plain check fails spuriously, the frozen one
          fails atomically and the retry succeeds;
      16. punch a Pending page: RFC v5 later runs the callback on a folio with no mapping (a crash), the fix
          resets the state;
      17-19. KVM_SET_MEMORY_ATTRIBUTES2: going private unmaps the VMM (a later host read gets SIGBUS), a pinned
          page fails with EAGAIN and error_offset, and private-to-shared can zero the contents.
    Upstream 6.18 (on -Backend) has no conversion on the file: ENOTTY on the Simulator, and the Kvm backend refuses
    the designs. The designs run on the Simulator; each design event names the decision it illustrates.
    Run by tests/pester/GmemPS.Examples.Tests.ps1 on both backends, which fails if a claim stops holding.
.EXAMPLE
    pwsh -NoProfile -File examples/design-in-place-conversion.ps1
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

function New-ConversionFile {
    # A VM running the design, with a 2 MiB MMAP|INIT_SHARED guest_memfd bound at gpa 0.
    param([hashtable] $Design)
    $vm = New-GmemVm -Backend $sim @Design
    $file = $vm | New-GmemFile -Size 2MB -Mmap -InitShared
    $null = $file | Add-Memslot -Gpa 0 -PassThru
    return $file
}

function Get-PageStateAt {
    param([object] $File, [long] $Offset)
    return "$((Get-GmemPageState -File $File -Offset $Offset -Length 4KB).State)"
}

function Get-RefusalOf {
    # Runs a conversion that should fail; returns its error record.
    param([scriptblock] $Action)
    $Error.Clear()
    & $Action
    return $Error[0]
}

# ---------------------------------------------------------------------------------------------------
Write-Step "Upstream 6.18 (backend $Backend): no conversion on the file"
$Error.Clear()
$upstream = New-GmemVm -Backend $Backend | New-GmemFile -Size 2MB -Mmap -InitShared
$upstream | Convert-GmemFileRange -Offset 0 -Length 4KB -To Private -ErrorAction SilentlyContinue
$expectedId = if ($Backend -eq 'Simulator') { 'GmemAttributes2NotSupported' } else { 'GmemDesignNotOnKvm' }
Add-Claim "the conversion is refused ($expectedId)" ((Get-ErrorIdOf $Error[0]) -eq $expectedId)

# ---------------------------------------------------------------------------------------------------
Write-Step 'Scenario 13, RFC v5: unshare a page the VMM still maps'
$file = New-ConversionFile @{ ConversionModel = 'FolioCallback' }
$file | Write-GmemMemory -Offset 0x3000 -Value 1
$mark = Get-LastEventSequence -Backend $sim
$refusal = Get-RefusalOf { $file | Convert-GmemFileRange -Offset 0x3000 -Length 4KB -To Private -ErrorAction SilentlyContinue }
Get-GmemEvent -Backend $sim -Since $mark | Show-GmemEventList
Add-Claim 'EAGAIN without arming anything (UnshareHostMapped); the page stays Shared' (
    ((Get-KernelErrno $refusal) -eq 'EAGAIN') -and ((Get-ErrorIdOf $refusal) -eq 'UnshareHostMapped') -and ((Get-PageStateAt $file 0x3000) -eq 'Shared'))
$file | Clear-GmemHostMapping -Offset 0x3000 -Length 4KB
$file | Convert-GmemFileRange -Offset 0x3000 -Length 4KB -To Private
Add-Claim 'after the VMM unmaps it, the retry makes it Private' ((Get-PageStateAt $file 0x3000) -eq 'Private')

# ---------------------------------------------------------------------------------------------------
Write-Step 'Scenario 14, RFC v5: unshare a pinned page (vmsplice / GUP)'
$pin = $file | New-GmemHostReference -Offset 0x4000 -Kind Pin
$refusal = Get-RefusalOf { $file | Convert-GmemFileRange -Offset 0x4000 -Length 4KB -To Private -ErrorAction SilentlyContinue }
Add-Claim 'EAGAIN (UnshareDeferred): the page waits in Pending' (
    ((Get-ErrorIdOf $refusal) -eq 'UnshareDeferred') -and ((Get-PageStateAt $file 0x4000) -eq 'Pending'))
$Error.Clear()
$null = $file | Read-GmemMemory -Offset 0x4000 -Count 1 -ErrorAction SilentlyContinue
Add-Claim 'the host cannot map a Pending page (SIGBUS, EIO)' ((Get-KernelErrno $Error[0]) -eq 'EIO')
$mark = Get-LastEventSequence -Backend $sim
$pin | Remove-GmemHostReference -Confirm:$false
$callback = @(Get-GmemEvent -Backend $sim -Since $mark -Kind FinalPutCallback)
$callback | Show-GmemEventList
Add-Claim 'the last put runs the final-put callback: Private' (($callback.Count -eq 1) -and ((Get-PageStateAt $file 0x4000) -eq 'Private'))

# ---------------------------------------------------------------------------------------------------
Write-Step 'Scenario 15: a speculative reference during the unshare check, plain and frozen'
foreach ($check in 'Plain', 'Frozen') {
    $f = New-ConversionFile @{ ConversionModel = 'FolioCallback'; RefcountCheck = $check }
    $null = $f | New-GmemHostReference -Offset 0x6000 -Kind Speculative
    $mark = Get-LastEventSequence -Backend $sim
    $refusal = Get-RefusalOf { $f | Convert-GmemFileRange -Offset 0x6000 -Length 4KB -To Private -ErrorAction SilentlyContinue }
    $events = @(Get-GmemEvent -Backend $sim -Since $mark)
    $events | Show-GmemEventList
    if ($check -eq 'Plain') {
        Add-Claim 'plain: a spurious EAGAIN (SpuriousRefcountFailure), finished by the callback when the scanner lets go' (
            ((Get-KernelErrno $refusal) -eq 'EAGAIN') -and (@($events | Where-Object { $_.Kind -eq 'SpuriousRefcountFailure' }).Count -eq 1) -and
            ((Get-PageStateAt $f 0x6000) -eq 'Private'))
    }
    else {
        Add-Claim 'frozen: the freeze fails atomically, nothing armed (UnshareFreezeFailed, still Shared)' (
            ((Get-ErrorIdOf $refusal) -eq 'UnshareFreezeFailed') -and ((Get-PageStateAt $f 0x6000) -eq 'Shared'))
        $f | Convert-GmemFileRange -Offset 0x6000 -Length 4KB -To Private
        Add-Claim 'frozen: the retry succeeds' ((Get-PageStateAt $f 0x6000) -eq 'Private')
    }
}

# ---------------------------------------------------------------------------------------------------
Write-Step 'Scenario 16: punch a Pending page, then drop its pin'
foreach ($punch in 'CallbackOnRemovedFolio', 'ResetOnRemoval') {
    $f = New-ConversionFile @{ ConversionModel = 'FolioCallback'; PendingPunch = $punch }
    $p = $f | New-GmemHostReference -Offset 0x7000
    $null = Get-RefusalOf { $f | Convert-GmemFileRange -Offset 0x7000 -Length 4KB -To Private -ErrorAction SilentlyContinue }
    $mark = Get-LastEventSequence -Backend $sim
    $f | Remove-GmemRange -Offset 0x7000 -Length 4KB -Confirm:$false
    $p | Remove-GmemHostReference -Confirm:$false
    $crash = @(Get-GmemEvent -Backend $sim -Since $mark -Kind CallbackOnRemovedFolio)
    $reset = @(Get-GmemEvent -Backend $sim -Since $mark -Kind PendingConversionReset)
    ($crash + $reset) | Show-GmemEventList
    if ($punch -eq 'CallbackOnRemovedFolio') {
        Add-Claim 'RFC v5: the callback runs on a folio with no mapping (Ackerley''s crash)' (($crash.Count -eq 1) -and ($reset.Count -eq 0))
    }
    else {
        Add-Claim 'the fix: the state resets when the folio leaves the filemap, no callback later' (($crash.Count -eq 0) -and ($reset.Count -eq 1))
    }
}

# ---------------------------------------------------------------------------------------------------
Write-Step 'Scenarios 17-19, 2026: KVM_SET_MEMORY_ATTRIBUTES2 on the guest_memfd'
$g = New-ConversionFile @{ ConversionModel = 'GmemAttributes2' }
$g | Write-GmemMemory -Offset 0x8000 -Value 0x11
$mark = Get-LastEventSequence -Backend $sim
$g | Convert-GmemFileRange -Offset 0x8000 -Length 4KB -To Private
Add-Claim '17: going private unmaps the VMM (HostMappingsZapped)' (@(Get-GmemEvent -Backend $sim -Since $mark -Kind HostMappingsZapped).Count -eq 1)
$Error.Clear()
$null = $g | Read-GmemMemory -Offset 0x8000 -Count 1 -ErrorAction SilentlyContinue
Add-Claim '17: a later host read gets SIGBUS (EIO)' ((Get-KernelErrno $Error[0]) -eq 'EIO')

$iommu = $g | New-GmemHostReference -Offset 0x3000 -Length 8KB
$refusal = Get-RefusalOf { $g | Convert-GmemFileRange -Offset 0 -Length 32KB -To Private -ErrorAction SilentlyContinue }
Write-Host "  $($refusal.Exception.Message)"
Add-Claim '18: a pinned page fails the call with EAGAIN and error_offset 0x3000' (
    ((Get-KernelErrno $refusal) -eq 'EAGAIN') -and ($refusal.Exception.Message -like '*error_offset 0x3000*'))
$iommu | Remove-GmemHostReference -Confirm:$false
$g | Convert-GmemFileRange -Offset 0 -Length 32KB -To Private
Add-Claim '18: unpin and retry: the whole range is Private' ((Get-PageStateAt $g 0x3000) -eq 'Private')

$null = $g.Vm | Invoke-GuestAccess -Gpa 0x1000 -Write (1..16 | ForEach-Object { [byte]0x5a })
$g | Convert-GmemFileRange -Offset 0x1000 -Length 4KB -To Shared -Content Zero
Add-Claim '19: private to shared with Zero: the host reads zeros' (Test-ByteSequence ($g | Read-GmemMemory -Offset 0x1000 -Count 16) ([byte[]]::new(16)))
$refusal = Get-RefusalOf { $g | Convert-GmemFileRange -Offset 0x1000 -Length 4KB -To Private -Content Zero -ErrorAction SilentlyContinue }
Add-Claim '19: Zero on shared to private is EOPNOTSUPP' ((Get-KernelErrno $refusal) -eq 'EOPNOTSUPP')

Assert-Claim
