<#
.SYNOPSIS
    Seed E, VFIO holding the VM: the 2023 fixes (the VFIO core's kvm_get_kvm_safe, kvm-vfio cleanup at .release)
    against the ordering that deadlocked on group_lock, kvm_put_kvm_async, and the 2025/2026 proposals.
.DESCRIPTION
    Scenarios 31 to 35 of shared/reference/seeds-and-peers.md, with lockdep-style tracking of group_lock:
      31. close the VM fd, then the kvm-vfio device fd, then the VFIO device fd: upstream's last put comes from the
          VFIO close, outside group_lock: no deadlock;
      32. the same with the pre-fix driver reference and .destroy cleanup: the destroy re-enters group_lock
          (LockDeadlock); with kvm_put_kvm_async the destroy runs later from the work queue, and nothing deadlocks;
      33. a VFIO device opened while the VM is dying: kvm_get_kvm_safe fails and it opens with kvm == NULL;
      34. the source VM of a migration lives while its VFIO device is open, unless the reference is dropped after open;
      35. rmmod kvm while VFIO holds a VM is refused, by what the design pins the module with.
    VFIO devices are modelled on the Simulator only; on -Backend Kvm the script checks that the real kernel's backend
    refuses them.
    Run by tests/pester/GmemPS.Examples.Tests.ps1 on both backends, which fails if a claim stops holding.
.EXAMPLE
    pwsh -NoProfile -File examples/design-vfio-holds-vm.ps1
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

function New-VfioVm {
    # A VM of the design with a kvm-vfio device and one VFIO device opened through it.
    param([hashtable] $Design = @{})
    $vm = New-GmemVm -Backend $sim @Design
    $kv = $vm | New-GmemKvmVfioDevice
    $dev = $kv | New-GmemVfioDevice
    [pscustomobject]@{ Vm = $vm; KvmVfio = $kv; Device = $dev }
}

function Close-InScenarioOrder {
    # Scenario 31's order: the VM fd, the kvm-vfio device fd, the VFIO device fd.
    param([object] $Setup)
    $Setup.Vm | Remove-GmemVm -Confirm:$false
    $Setup.KvmVfio | Close-GmemKvmVfioDevice
    $Setup.Device | Close-GmemVfioDevice
}

function Get-EventsSince {
    param([long] $Since, [string] $Kind)
    return @(Get-GmemEvent -Backend $sim -Since $Since -Kind $Kind)
}

if ($Backend -eq 'Kvm') {
    Write-Step 'The Kvm backend: VFIO devices are modelled on the Simulator only'
    $Error.Clear()
    $null = New-GmemVm -Backend Kvm | New-GmemKvmVfioDevice -ErrorAction SilentlyContinue
    Add-Claim 'the real kernel''s backend refuses it (GmemDesignNotOnKvm)' ((Get-ErrorIdOf $Error[0]) -eq 'GmemDesignNotOnKvm')
}

# ---------------------------------------------------------------------------------------------------
Write-Step 'Scenario 31, upstream: VM fd, kvm-vfio device, VFIO device, in that order'
$mark = Get-LastEventSequence -Backend $sim
Close-InScenarioOrder (New-VfioVm)
Get-GmemEvent -Backend $sim -Since $mark | Show-GmemEventList
Add-Claim 'the kvm-vfio .release clears group->kvm' (@(Get-EventsSince $mark 'VfioGroupKvmCleared')[0].Design -like 'Seed E, upstream 51cdc8bc120e*')
Add-Claim 'the VFIO close drops the last reference: the VM is destroyed' (@(Get-EventsSince $mark 'VmDestroyed').Count -eq 1)
Add-Claim 'and no lock is taken twice' (@(Get-EventsSince $mark 'LockDeadlock').Count -eq 0)

# ---------------------------------------------------------------------------------------------------
Write-Step 'Scenario 32, before the fixes: a driver reference and the .destroy cleanup'
$mark = Get-LastEventSequence -Backend $sim
Close-InScenarioOrder (New-VfioVm @{ VfioRefPolicy = 'DriverTakes'; KvmVfioCleanup = 'Destroy' })
$deadlock = @(Get-EventsSince $mark 'LockDeadlock')
$deadlock | Show-GmemEventList
Add-Claim 'the destroy under the VFIO close takes group_lock again: a deadlock' (
    ($deadlock.Count -eq 1) -and ($deadlock[0].Lock -like 'group_lock*') -and ($deadlock[0].Path -like '*kvm_vfio_destroy*'))

$mark = Get-LastEventSequence -Backend $sim
Close-InScenarioOrder (New-VfioVm @{ VfioRefPolicy = 'DriverTakes'; KvmVfioCleanup = 'Destroy'; DestroyTrigger = 'AsyncPut' })
Add-Claim 'kvm_put_kvm_async queues the destroy instead' (@(Get-EventsSince $mark 'VmDestroyDeferred').Count -eq 1)
$ran = Invoke-GmemWorkQueue -Backend $sim
Add-Claim 'the work queue destroys the VM later, without a deadlock' (($ran -eq 1) -and
    (@(Get-EventsSince $mark 'VmDestroyed').Count -eq 1) -and (@(Get-EventsSince $mark 'LockDeadlock').Count -eq 0))

# ---------------------------------------------------------------------------------------------------
Write-Step 'Scenario 33: a VFIO device opened while the VM is dying'
$s = New-VfioVm @{ KvmVfioCleanup = 'Destroy'; DestroyTrigger = 'AsyncPut' }
$s.Device | Close-GmemVfioDevice
$s.Vm | Remove-GmemVm -Confirm:$false
$s.KvmVfio | Close-GmemKvmVfioDevice
$mark = Get-LastEventSequence -Backend $sim
$late = New-GmemVfioDevice -InGroupOf $s.Device
$failed = @(Get-EventsSince $mark 'KvmGetSafeFailed')
$failed | Show-GmemEventList
Add-Claim 'kvm_get_kvm_safe fails and the device opens with kvm == NULL' (
    ($failed.Count -eq 1) -and (@(Get-EventsSince $mark 'VfioDeviceOpened')[0].VmId -eq -1))
$null = Invoke-GmemWorkQueue -Backend $sim
$late | Close-GmemVfioDevice

# ---------------------------------------------------------------------------------------------------
Write-Step 'Scenario 34: the source VM of a migration while its VFIO device stays open'
foreach ($policy in 'CoreSafeGet', 'CoreGetThenDrop') {
    $s = New-VfioVm @{ VfioRefPolicy = $policy }
    $mark = Get-LastEventSequence -Backend $sim
    $s.Vm | Remove-GmemVm -Confirm:$false
    $s.KvmVfio | Close-GmemKvmVfioDevice
    $destroyed = @(Get-EventsSince $mark 'VmDestroyed').Count
    if ($policy -eq 'CoreSafeGet') {
        Add-Claim 'upstream: the VM lives on, held by the open VFIO device' (($destroyed -eq 0) -and (@(Get-EventsSince $mark 'VmKeptAliveByVfio').Count -eq 1))
    }
    else {
        Add-Claim 'get-then-drop (Ryabinin): the VM goes with its fds' ($destroyed -eq 1)
    }
    $s.Device | Close-GmemVfioDevice
}

# ---------------------------------------------------------------------------------------------------
Write-Step 'Scenario 35: rmmod kvm while a VFIO device holds a VM'
foreach ($design in @{ ModulePinning = 'SymbolGet' }, @{ ModulePinning = 'ModuleRef' }, @{ VfioRefPolicy = 'VmFileRef' }) {
    $s = New-VfioVm $design
    $s.Vm | Remove-GmemVm -Confirm:$false
    $s.KvmVfio | Close-GmemKvmVfioDevice
    $result = Test-GmemKvmModuleUnload -Backend $sim
    Write-Host "  $($result.Holder)"
    Add-Claim "refused: $($result.Holder)" ((-not $result.Unloadable) -and ($result.Holder -like 'VFIO device*'))
    $s.Device | Close-GmemVfioDevice
}
Add-Claim 'with every device closed, kvm.ko can go' ((Test-GmemKvmModuleUnload -Backend $sim).Unloadable)

Assert-Claim
