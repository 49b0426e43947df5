# Bad input and hostile use at the cmdlet level, on the Simulator: each cmdlet parameter at a boundary, objects
# already closed, unknown ids. Each call must fail with its stable error id and leave the session as it was. The
# same requests at the contract level run on both backends in tests/GmemPS.Tests/Hostile (xunit).
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/GmemPS')
)

Describe 'Hostile use of the cmdlets' -Tag Simulator {
    BeforeAll {
        Import-Module -Name $ModulePath -ErrorAction Stop
    }

    BeforeEach {
        [GmemPS.Infrastructure.GmemSession]::Reset()
        # vm0; gmem0 (2 MiB, MMAP|INIT_SHARED) in vm0/slot0 at gpa 0; gmem1 closed; gmem2 MMAP only; gmem3 without MMAP; vm1 closed.
        $vm = New-GmemVm
        $vm | New-GmemFile -Size 2MB -Mmap -InitShared | Add-Memslot -Gpa 0
        $vm | New-GmemFile -Size 4KB | Close-GmemFile -Confirm:$false
        $null = $vm | New-GmemFile -Size 2MB -Mmap
        $null = $vm | New-GmemFile -Size 2MB
        New-GmemVm | Remove-GmemVm -Confirm:$false
        $session = [GmemPS.Infrastructure.GmemSession]::Current
        # gmem2's host view exists up front: Read-/Write-GmemMemory map a file on first use, and that mapping is
        # the session's cache, not part of the refusal under test.
        $null = $session.Map($session.FindFile('gmem2'), [GmemPS.Kernel.MapRequest]::new(0, 2MB, $true), $true)
    }

    It '<Call> fails with <ErrorId> and changes nothing' -ForEach @(
        @{ Call = 'New-GmemVm -Type 1'; ErrorId = 'VmTypeUnsupported'; Act = { New-GmemVm -Type 1 } }
        @{ Call = 'New-GmemVm -Profile Nowhere'; ErrorId = 'GmemProfileUnknown'; Act = { New-GmemVm -Profile Nowhere } }
        @{ Call = 'New-GmemVm -Backend Kvm -Profile ThisHost'; ErrorId = 'GmemProfileNotApplicable'; Act = { New-GmemVm -Backend Kvm -Profile ThisHost } }
        @{ Call = 'New-GmemFile -Size 0'; ErrorId = 'GmemSizeInvalid'; Act = { New-GmemFile -Vm vm0 -Size 0 } }
        @{ Call = 'New-GmemFile -Size 4097'; ErrorId = 'GmemSizeInvalid'; Act = { New-GmemFile -Vm vm0 -Size 4097 } }
        @{ Call = 'New-GmemFile -Flags bit 2'; ErrorId = 'GmemFlagsUnsupported'; Act = { New-GmemFile -Vm vm0 -Size 4KB -Flags ([Enum]::ToObject([GmemPS.Kernel.GuestMemfdFlags], 4)) } }
        @{ Call = 'New-GmemFile on a closed VM'; ErrorId = 'DescriptorClosed'; Act = { New-GmemFile -Vm vm1 -Size 4KB } }
        @{ Call = 'New-GmemFile -Vm vm9'; ErrorId = 'GmemObjectNotFound'; Act = { New-GmemFile -Vm vm9 -Size 4KB } }
        @{ Call = 'Add-Memslot -Slot 32764'; ErrorId = 'SlotIdOutOfRange'; Act = { Add-Memslot -File gmem3 -Gpa 4GB -Slot 32764 } }
        @{ Call = 'Add-Memslot -Gpa misaligned by one'; ErrorId = 'MemslotGpaUnaligned'; Act = { Add-Memslot -File gmem3 -Gpa (4GB + 1) } }
        @{ Call = 'Add-Memslot -Size 4097'; ErrorId = 'MemslotSizeUnaligned'; Act = { Add-Memslot -File gmem3 -Gpa 4GB -Size 4097 } }
        @{ Call = 'Add-Memslot -Offset 1'; ErrorId = 'MemslotGmemOffsetInvalid'; Act = { Add-Memslot -File gmem3 -Gpa 4GB -Offset 1 -Size 4KB } }
        @{ Call = 'Add-Memslot -Offset at the end of the file'; ErrorId = 'GmemRangeOutsideFile'; Act = { Add-Memslot -File gmem3 -Gpa 4GB -Offset 2MB -Size 4KB } }
        @{ Call = 'Add-Memslot -UserspaceAddress 1'; ErrorId = 'MemslotUserspaceAddrInvalid'; Act = { Add-Memslot -File gmem3 -Gpa 4GB -UserspaceAddress 1 } }
        @{ Call = 'Add-Memslot overlapping slot 0 by one page'; ErrorId = 'MemslotGpaOverlap'; Act = { Add-Memslot -File gmem3 -Gpa (2MB - 4KB) } }
        @{ Call = 'Add-Memslot of a closed file'; ErrorId = 'GmemFdNotOpen'; Act = { Add-Memslot -File gmem1 -Gpa 4GB } }
        @{ Call = 'Add-GmemRange -Offset 1'; ErrorId = 'FallocateUnaligned'; Act = { Add-GmemRange -File gmem3 -Offset 1 -Length 4KB -Confirm:$false } }
        @{ Call = 'Add-GmemRange -Length 0'; ErrorId = 'FallocateRangeNegative'; Act = { Add-GmemRange -File gmem3 -Offset 0 -Length 0 -Confirm:$false } }
        @{ Call = 'Add-GmemRange across the end of the file'; ErrorId = 'FallocateBeyondEof'; Act = { Add-GmemRange -File gmem3 -Offset (2MB - 4KB) -Length 8KB -Confirm:$false } }
        @{ Call = 'Remove-GmemRange -Offset -4096'; ErrorId = 'FallocateRangeNegative'; Act = { Remove-GmemRange -File gmem3 -Offset (-4096) -Length 4KB -Confirm:$false } }
        @{ Call = 'Add-GmemRange on a closed file'; ErrorId = 'DescriptorClosed'; Act = { Add-GmemRange -File gmem1 -Length 4KB -Confirm:$false } }
        @{ Call = 'Read-GmemMemory of a file without MMAP'; ErrorId = 'MmapNotSupported'; Act = { Read-GmemMemory -File gmem3 -Count 4 } }
        @{ Call = 'Read-GmemMemory of a page not shared'; ErrorId = 'HostAccessNotShared'; Act = { Read-GmemMemory -File gmem2 -Count 4 } }
        @{ Call = 'Read-GmemMemory -Offset -1'; ErrorId = 'GmemArgumentOutOfRange'; Act = { Read-GmemMemory -File gmem0 -Offset (-1) -Count 4 } }
        @{ Call = 'Write-GmemMemory past the end'; ErrorId = 'GmemArgumentOutOfRange'; Act = { Write-GmemMemory -File gmem0 -Offset (2MB - 1) -Value 1, 2 -Confirm:$false } }
        @{ Call = 'Invoke-GuestAccess -Read 0'; ErrorId = 'GmemArgumentOutOfRange'; Act = { Invoke-GuestAccess -Vm vm0 -Gpa 0x1000 -Read 0 } }
        @{ Call = 'Invoke-GuestAccess across a page'; ErrorId = 'GmemArgumentOutOfRange'; Act = { Invoke-GuestAccess -Vm vm0 -Gpa 0xfff -Read 2 } }
        @{ Call = 'Invoke-GuestAccess beyond MAXPHYADDR'; ErrorId = 'GmemArgumentOutOfRange'; Act = { Invoke-GuestAccess -Vm vm0 -Gpa 0xfffffffffffff000ul -Read 1 } }
        @{ Call = 'Invoke-GuestAccess on a closed VM'; ErrorId = 'DescriptorClosed'; Act = { Invoke-GuestAccess -Vm vm1 -Gpa 0 -Read 1 } }
        @{ Call = 'Set-GmemPrivate (no attributes on this host)'; ErrorId = 'AttributesNotSupported'; Act = { Set-GmemPrivate -Vm vm0 -Gpa 0 -Size 4KB -Confirm:$false } }
        @{ Call = 'Close-GmemFile of a closed file'; ErrorId = 'DescriptorClosed'; Act = { Close-GmemFile -File gmem1 -Confirm:$false } }
        @{ Call = 'Remove-GmemVm of a closed VM'; ErrorId = 'DescriptorClosed'; Act = { Remove-GmemVm -Vm vm1 -Confirm:$false } }
        @{ Call = 'Remove-Memslot vm0/slot9'; ErrorId = 'GmemObjectNotFound'; Act = { Remove-Memslot -Memslot vm0/slot9 -Confirm:$false } }
        @{ Call = 'Get-GmemCapability on a closed VM'; ErrorId = 'DescriptorClosed'; Act = { Get-GmemCapability -Vm vm1 -Name GuestMemfd } }
        @{ Call = 'Export-GmemScenario -Path x.txt'; ErrorId = 'GmemScenarioFormatUnknown'; Act = { Export-GmemScenario -Path "$TestDrive/x.txt" -Confirm:$false } }
        @{ Call = 'Invoke-GmemScenario of a missing file'; ErrorId = 'GmemFileNotFound'; Act = { Invoke-GmemScenario -Path "$TestDrive/missing.json" } }
        @{ Call = 'Compare-GmemScenario -Profile Nowhere'; ErrorId = 'GmemProfileUnknown'; Act = { Compare-GmemScenario -Path "$TestDrive/missing.json" -Profile Nowhere } }
    ) {
        $before = $session.ObjectStates()
        { $ErrorActionPreference = 'Stop'; & $Act } | Should -Throw -ErrorId "$ErrorId,*"
        $session.ObjectStates() | Should -Be $before
    }
}
