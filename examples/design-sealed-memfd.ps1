<#
.SYNOPSIS
    Seed C, the 2021 fd-based proposal: a shmem memfd sealed with F_SEAL_GUEST backs a VM's private memory, KVM
    registers as its guest owner, and shmem calls the owner back on truncate.
.DESCRIPTION
    Scenarios 23 to 26 of shared/reference/seeds-and-peers.md:
      23. the seal needs an empty memfd (EBUSY otherwise); a sealed memfd refuses writes (EPERM) and partial-page
          truncates (EINVAL);
      24. a guest fault and a truncate of the same page, stepped (Start-GmemGuestFault, Set-GmemMemfdSize,
          Complete-GmemGuestFault): with get_lock_pfn's page lock the truncate waits and then invalidates; without
          it the install leaves a stale entry;
      25. the VM goes, the memfd stays, and a truncate calls the owner: a use-after-free with no check, ignored
          with the vm_list check, impossible when KVM holds a memfd reference;
      26. a second VM cannot register the memfd (EPERM); one VM may split it below and above 4G with per-KVM
          registration, not with per-memslot registration.
    Upstream (on -Backend) refuses a memfd in a memslot's guest_memfd field; the design runs on the Simulator.
    Run by tests/pester/GmemPS.Examples.Tests.ps1 on both backends, which fails if a claim stops holding.
.EXAMPLE
    pwsh -NoProfile -File examples/design-sealed-memfd.ps1
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

function New-SealedMemfdVm {
    # A VM of the 2021 design with a sealed 2 MiB memfd bound at gpa 0.
    param([hashtable] $Design = @{})
    $vm = New-GmemVm -Backend $sim -PrivateBacking SealedMemfd @Design
    $memfd = New-GmemMemfd -Backend $sim -Size 2MB
    $memfd | Add-GmemMemfdSeal
    $null = $memfd | Add-Memslot -IntoVm $vm -Gpa 0 -PassThru
    [pscustomobject]@{ Vm = $vm; Memfd = $memfd }
}

function Get-Kinds {
    param([long] $Since)
    return @(Get-GmemEvent -Backend $sim -Since $Since | ForEach-Object { $_.Kind })
}

# ---------------------------------------------------------------------------------------------------
Write-Step "Upstream (backend $Backend): a memfd is not a guest_memfd"
if ($Backend -eq 'Kvm') {
    $Error.Clear()
    $null = New-GmemMemfd -Backend Kvm -Size 2MB -ErrorAction SilentlyContinue
    Add-Claim 'the Kvm backend runs upstream only: GmemDesignNotOnKvm' ((Get-ErrorIdOf $Error[0]) -eq 'GmemDesignNotOnKvm')
}
$plain = New-GmemMemfd -Backend $sim -Size 2MB
$Error.Clear()
$plain | Add-Memslot -IntoVm (New-GmemVm -Backend $sim) -Gpa 0 -ErrorAction SilentlyContinue
Add-Claim 'an upstream VM refuses a memfd in the guest_memfd field (EINVAL, GmemFdNotGuestMemfd)' (
    ((Get-KernelErrno $Error[0]) -eq 'EINVAL') -and ((Get-ErrorIdOf $Error[0]) -eq 'GmemFdNotGuestMemfd'))

# ---------------------------------------------------------------------------------------------------
Write-Step 'Scenario 23: F_SEAL_GUEST'
$plain | Write-GmemMemfd -Value 1
$Error.Clear()
$plain | Add-GmemMemfdSeal -ErrorAction SilentlyContinue
Add-Claim 'a memfd with pages cannot be sealed (EBUSY)' ((Get-KernelErrno $Error[0]) -eq 'EBUSY')
$sealed = New-GmemMemfd -Backend $sim -Size 2MB
$sealed | Add-GmemMemfdSeal
$Error.Clear()
$sealed | Write-GmemMemfd -Value 1 -ErrorAction SilentlyContinue
Add-Claim 'a sealed memfd refuses writes (EPERM)' ((Get-KernelErrno $Error[0]) -eq 'EPERM')
$Error.Clear()
$sealed | Set-GmemMemfdSize -Size (1MB + 100) -ErrorAction SilentlyContinue
Add-Claim 'and partial-page truncates (EINVAL)' ((Get-KernelErrno $Error[0]) -eq 'EINVAL')

# ---------------------------------------------------------------------------------------------------
Write-Step 'Scenario 24: a guest fault on gpa 0x5000 and a truncate of its page, stepped'
foreach ($lock in 'PageLock', 'None') {
    $c = New-SealedMemfdVm @{ PopulationLock = $lock }
    $fault = $c.Vm | Start-GmemGuestFault -Gpa 0x5000
    $mark = Get-LastEventSequence -Backend $sim
    $c.Memfd | Set-GmemMemfdSize -Size 0x5000
    $duringTruncate = Get-Kinds $mark
    $mark = Get-LastEventSequence -Backend $sim
    $fault | Complete-GmemGuestFault
    $atComplete = @(Get-GmemEvent -Backend $sim -Since $mark)
    $atComplete | Show-GmemEventList
    $stale = @($atComplete | Where-Object { $_.Kind -eq 'StaleMappingLeft' })
    if ($lock -eq 'PageLock') {
        Add-Claim 'with the page lock the truncate waits (TruncateWaitsOnPageLock)' (($duringTruncate -join ',') -eq 'TruncateWaitsOnPageLock')
        Add-Claim 'and runs after the install, invalidating it: no stale entry' (
            ($stale.Count -eq 0) -and (@($atComplete | Where-Object { $_.Kind -eq 'Invalidated' }).Count -eq 1))
    }
    else {
        Add-Claim 'without the lock the truncate frees the page at once' ($duringTruncate -contains 'PagesFreed')
        Add-Claim 'and the install leaves gfn 0x5 pointing at the freed page (StaleMappingLeft)' (
            ($stale.Count -eq 1) -and ($stale[0].GfnStart -eq 5))
    }
}

# ---------------------------------------------------------------------------------------------------
Write-Step 'Scenario 25: free the VM, keep the memfd, truncate it'
foreach ($check in 'None', 'VmList', 'KvmHoldsMemfdRef') {
    $c = New-SealedMemfdVm @{ OwnerCheck = $check }
    $c.Vm | Remove-GmemVm -Confirm:$false
    $mark = Get-LastEventSequence -Backend $sim
    $c.Memfd | Set-GmemMemfdSize -Size 1MB
    $events = @(Get-GmemEvent -Backend $sim -Since $mark)
    $events | Show-GmemEventList
    $uaf = @($events | Where-Object { $_.Kind -eq 'UseAfterFree' })
    $callbacks = @($events | Where-Object { $_.Kind -eq 'MemfdInvalidateCallback' })
    switch ($check) {
        'None' { Add-Claim 'no check: the callback uses the freed owner (UseAfterFree)' ($uaf.Count -eq 1) }
        'VmList' { Add-Claim 'vm_list check: the callback is ignored' (($uaf.Count -eq 0) -and ($callbacks.Count -eq 1) -and ($callbacks[0].Outcome -like '*ignored*')) }
        default { Add-Claim 'KVM held a memfd reference and unregistered: no callback at all' (($uaf.Count -eq 0) -and ($callbacks.Count -eq 0)) }
    }
}

# ---------------------------------------------------------------------------------------------------
Write-Step 'Scenario 26: registration'
$c = New-SealedMemfdVm
$Error.Clear()
$c.Memfd | Add-Memslot -IntoVm (New-GmemVm -Backend $sim -PrivateBacking SealedMemfd) -Gpa 0 -ErrorAction SilentlyContinue
Add-Claim 'a second VM cannot register the memfd (EPERM)' ((Get-KernelErrno $Error[0]) -eq 'EPERM')
foreach ($registration in 'PerKvm', 'PerMemslot') {
    $vm = New-GmemVm -Backend $sim -PrivateBacking SealedMemfd -MemfdRegistration $registration
    $memfd = New-GmemMemfd -Backend $sim -Size 4MB
    $memfd | Add-GmemMemfdSeal
    $null = $memfd | Add-Memslot -IntoVm $vm -Gpa 0xC0000000 -Size 2MB -Offset 0 -PassThru
    $Error.Clear()
    $above = $memfd | Add-Memslot -IntoVm $vm -Gpa 4GB -Size 2MB -Offset 2MB -PassThru -ErrorAction SilentlyContinue
    if ($registration -eq 'PerKvm') {
        Add-Claim 'per KVM: one memfd backs slots below and above 4G' ($null -ne $above)
    }
    else {
        Add-Claim 'per memslot: the second slot is refused (EPERM)' (($null -eq $above) -and ((Get-KernelErrno $Error[0]) -eq 'EPERM'))
    }
}

Assert-Claim
