# Pester 5 suite for the designs argued on the mailing lists (shared/reference/seeds-and-peers.md), run on the
# Simulator: the design parameters of New-GmemVm and New-GmemFile, the design cmdlets, and the design events,
# each of which names the decision it illustrates.
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/GmemPS')
)

Describe 'Designs argued on the mailing lists' -Tag Simulator {
    BeforeAll {
        Import-Module -Name $ModulePath -ErrorAction Stop
        Import-Module -Name (Join-Path $PSScriptRoot 'GmemPS.ShouldOperators.psm1') -Force -ErrorAction Stop
    }

    BeforeEach {
        [GmemPS.Infrastructure.GmemSession]::Reset()
        # A fresh session has fresh hosts: every event of a test has a sequence number above 0.
        $mark = 0
    }

    Context 'Seed A: who pins whom' {
        It 'New-GmemVm records the designs a VM runs; upstream by default' {
            (New-GmemVm).Designs.IsUpstream | Should -BeTrue
            $vm = New-GmemVm -PinModel SlotPinsFile -RebindPolicy ZeroOnUnbind
            "$($vm.Designs)" | Should -Be 'PinModel=SlotPinsFile, RebindPolicy=ZeroOnUnbind'
            ($vm | New-GmemVm).Designs | Should -Be $vm.Designs
        }

        It 'upstream: closing the VM fd keeps the VM, kept by its file' {
            $vm = New-GmemVm
            $null = $vm | New-GmemFile -Size 2MB | Add-Memslot -Gpa 0 -PassThru
            $vm | Remove-GmemVm -Confirm:$false
            Get-GmemEvent -Backend Simulator -Since $mark | Should -HaveGmemEvent -Kind VmKeptAliveByFiles -EventCount 1
            Get-GmemEvent -Backend Simulator -Since $mark | Should -Not -HaveGmemEvent -Kind VmDestroyed
        }

        It 'SlotPinsFile: closing the VM fd destroys the VM and clears the file owner' {
            $vm = New-GmemVm -PinModel SlotPinsFile
            $null = $vm | New-GmemFile -Size 2MB | Add-Memslot -Gpa 0 -PassThru
            $vm | Remove-GmemVm -Confirm:$false
            $events = @(Get-GmemEvent -Backend Simulator -Since $mark)
            $events | Should -HaveGmemEvent -Kind GmemOwnerCleared -EventCount 1
            $events | Should -HaveGmemEvent -Kind VmDestroyed -EventCount 1
        }

        It 'Add-Memslot -IntoVm: upstream refuses another VM''s file' {
            $vm1 = New-GmemVm
            $vm2 = New-GmemVm
            $file = $vm1 | New-GmemFile -Size 2MB
            $file | Add-Memslot -IntoVm $vm2 -Gpa 0 -ErrorVariable err -ErrorAction SilentlyContinue
            $err | Should -BeGmemRefusal -Errno EINVAL -RuleId GmemFdOtherVm
        }

        It 'SlotPinsFile -RebindPolicy <Policy>: rebinding reports <Kind>' -ForEach @(
            @{ Policy = 'Expose'; Kind = 'DataExposedToOtherVm' }
            @{ Policy = 'ZeroOnRebind'; Kind = 'PagesZeroedForNewOwner' }
        ) {
            $first = New-GmemVm -PinModel SlotPinsFile -RebindPolicy $Policy
            $second = $first | New-GmemVm
            $file = $first | New-GmemFile -Size 2MB -Mmap -InitShared
            $slot = $file | Add-Memslot -Gpa 0 -PassThru
            $file | Write-GmemMemory -Offset 0 -Value 1, 2, 3
            $slot | Remove-Memslot -Confirm:$false
            $null = $file | Add-Memslot -IntoVm $second -Gpa 0 -PassThru
            $events = @(Get-GmemEvent -Backend Simulator -Since $mark -Kind $Kind)
            $events | Should -HaveCount 1
            $events[0].Design | Should -BeLike 'Seed A*'
        }

        It 'New-GmemFile -SystemIoctl: refused upstream, owner-less with SlotPinsFile' {
            New-GmemFile -SystemIoctl -Size 2MB -ErrorVariable err -ErrorAction SilentlyContinue
            $err | Should -BeGmemRefusal -Errno EINVAL -RuleId GmemCreateIsVmIoctl
            $file = New-GmemFile -SystemIoctl -PinModel SlotPinsFile -Size 2MB
            $file.Vm | Should -BeNullOrEmpty
            $file | Add-Memslot -Gpa 0 -ErrorVariable err -ErrorAction SilentlyContinue
            "$($err[0].FullyQualifiedErrorId)" | Should -BeLike 'GmemFileHasNoVm*'
            $null = $file | Add-Memslot -IntoVm (New-GmemVm -PinModel SlotPinsFile) -Gpa 0 -PassThru
            Get-GmemEvent -Backend Simulator -Since $mark | Should -HaveGmemEvent -Kind GmemOwnerSet -EventCount 1
        }

        It 'New-GmemFile -LinkFrom: upstream has no ioctl; LinkedViews shares the memory' {
            $file = New-GmemVm | New-GmemFile -Size 2MB -Mmap -InitShared
            New-GmemVm | New-GmemFile -LinkFrom $file -ErrorVariable err -ErrorAction SilentlyContinue
            $err | Should -BeGmemRefusal -Errno ENOTTY -RuleId GmemLinkNotSupported
            $view = New-GmemVm -GmemLink LinkedViews | New-GmemFile -LinkFrom $file
            $file | Write-GmemMemory -Offset 0x1000 -Value 7, 8
            # Read-GmemMemory writes one byte[]; piped from a variable it unrolls, so Should compares byte by byte.
            $bytes = $view | Read-GmemMemory -Offset 0x1000 -Count 2
            $bytes | Should -Be @(7, 8)
        }

        It '-GmemFlagToggle AcceptedPreFix: dropping GUEST_MEMFD leaves a binding that a punch then uses after free' {
            $vm = New-GmemVm -GmemFlagToggle AcceptedPreFix
            $file = $vm | New-GmemFile -Size 2MB -Mmap -InitShared
            $slot = $file | Add-Memslot -Gpa 0 -PassThru
            # The same slot again without GUEST_MEMFD: a FLAGS_ONLY update, which 6.18.0 accepted.
            $null = Add-Memslot -Vm $vm -Slot 0 -Gpa 0 -Size 2MB -UserspaceAddress $slot.UserspaceAddress -PassThru
            Get-GmemEvent -Backend Simulator -Since $mark | Should -HaveGmemEvent -Kind DanglingBinding -EventCount 1
            $file | Remove-GmemRange -Offset 0 -Length 4KB -Confirm:$false
            Get-GmemEvent -Backend Simulator -Since $mark | Should -HaveGmemEvent -Kind UseAfterFree -EventCount 1
        }

        It 'a rebind policy without SlotPinsFile is a design conflict' {
            New-GmemVm -RebindPolicy ZeroOnUnbind -ErrorVariable err -ErrorAction SilentlyContinue
            "$($err[0].FullyQualifiedErrorId)" | Should -BeLike 'GmemDesignConflict*'
        }
    }

    Context 'Seed D: per-slot invalidation' {
        It '-OffsetIndex <Index>: a punch in file A zaps <Count> slot(s)' -ForEach @(
            @{ Index = 'PerFileBindings'; Count = 1 }
            @{ Index = 'PerVmOffsetTree'; Count = 2 }
        ) {
            $vm = New-GmemVm -OffsetIndex $Index
            $a = $vm | New-GmemFile -Size 1MB
            $b = $vm | New-GmemFile -Size 1MB
            $null = $a | Add-Memslot -Gpa 0x10000000 -PassThru
            $null = $b | Add-Memslot -Gpa 0x20000000 -PassThru
            $a | Remove-GmemRange -Offset 0x10000 -Length 0x2000 -Confirm:$false
            Get-GmemEvent -Backend Simulator -Since $mark | Should -HaveGmemEvent -Kind Invalidated -Cause PunchHole -EventCount $Count
            Get-GmemEvent -Backend Simulator -Since $mark | Should -HaveGmemEvent -Kind MisdirectedInvalidation -EventCount ($Count - 1)
        }

        It '-GfnMath SketchWithoutBaseGfn zaps below the slot and leaves a stale mapping' {
            $vm = New-GmemVm -GfnMath SketchWithoutBaseGfn
            $file = $vm | New-GmemFile -Size 2MB
            $null = $file | Add-Memslot -Gpa 0x10000000 -Size 1MB -Offset 1MB -PassThru
            $file | Remove-GmemRange -Offset (200 * 4KB) -Length (100 * 4KB) -Confirm:$false
            $events = @(Get-GmemEvent -Backend Simulator -Since $mark)
            $events | Should -HaveGmemEvent -Kind Invalidated -GfnStart 0 -GfnEnd 0x2c -EventCount 1
            $events | Should -HaveGmemEvent -Kind StaleMappingLeft -EventCount 1
        }

        It '-DuplicateBindingCheck Off accepts a second slot over the same file pages (AliasedBinding)' {
            $vm = New-GmemVm -DuplicateBindingCheck Off
            $file = $vm | New-GmemFile -Size 1MB
            $null = $file | Add-Memslot -Gpa 0 -PassThru
            $null = $file | Add-Memslot -Gpa 1GB -PassThru
            Get-GmemEvent -Backend Simulator -Since $mark | Should -HaveGmemEvent -Kind AliasedBinding -EventCount 1
        }

        It '-OffsetIndex PerSlotNotifier calls every slot of the file' {
            $vm = New-GmemVm -OffsetIndex PerSlotNotifier
            $file = $vm | New-GmemFile -Size 4MB
            foreach ($i in 0..3) { $null = $file | Add-Memslot -Gpa ($i * 1GB) -Size 1MB -Offset ($i * 1MB) -PassThru }
            $file | Remove-GmemRange -Offset 2MB -Length 4KB -Confirm:$false
            Get-GmemEvent -Backend Simulator -Since $mark | Should -HaveGmemEvent -Kind InvalidateCallback -EventCount 4
        }
    }

    Context 'Seed B: in-place conversion with host references' {
        BeforeEach {
            $rfc5 = New-GmemVm -ConversionModel FolioCallback
            $file = $rfc5 | New-GmemFile -Size 2MB -Mmap -InitShared
        }

        It 'Convert-GmemFileRange is ENOTTY on an upstream file' {
            $upstream = New-GmemVm | New-GmemFile -Size 2MB
            $upstream | Convert-GmemFileRange -To Private -ErrorVariable err -ErrorAction SilentlyContinue
            $err | Should -BeGmemRefusal -Errno ENOTTY -RuleId GmemAttributes2NotSupported
        }

        It 'Get-GmemPageState shows one Shared run for a fresh INIT_SHARED file' {
            $states = @(Get-GmemPageState -File $file)
            $states | Should -HaveCount 1
            "$($states[0].State)" | Should -Be 'Shared'
            $states[0].Length | Should -Be 2MB
        }

        It 'RFC v5: a mapped page is EAGAIN until Clear-GmemHostMapping unmaps it' {
            $file | Write-GmemMemory -Offset 0x3000 -Value 1
            $file | Convert-GmemFileRange -Offset 0x3000 -Length 4KB -To Private -ErrorVariable err -ErrorAction SilentlyContinue
            $err | Should -BeGmemRefusal -Errno EAGAIN -RuleId UnshareHostMapped
            $file | Clear-GmemHostMapping -Offset 0x3000 -Length 4KB
            $file | Convert-GmemFileRange -Offset 0x3000 -Length 4KB -To Private
            "$((Get-GmemPageState $file -Offset 0x3000 -Length 4KB).State)" | Should -Be 'Private'
        }

        It 'RFC v5: a pinned page waits in Pending until Remove-GmemHostReference runs the callback' {
            $pin = $file | New-GmemHostReference -Offset 0x4000
            $pin | Should -BeOfType ([GmemPS.Lab.LabHostReference])
            $file | Convert-GmemFileRange -Offset 0x4000 -Length 4KB -To Private -ErrorAction SilentlyContinue
            "$((Get-GmemPageState $file -Offset 0x4000 -Length 4KB).State)" | Should -Be 'Pending'
            $pin | Remove-GmemHostReference -Confirm:$false
            Get-GmemEvent -Backend Simulator -Since $mark | Should -HaveGmemEvent -Kind FinalPutCallback -EventCount 1
            "$((Get-GmemPageState $file -Offset 0x4000 -Length 4KB).State)" | Should -Be 'Private'
        }

        It '2026: a pinned page fails KVM_SET_MEMORY_ATTRIBUTES2 with error_offset' {
            $g = New-GmemVm -ConversionModel GmemAttributes2 | New-GmemFile -Size 2MB -Mmap -InitShared
            $null = $g | New-GmemHostReference -Offset 0x3000
            $g | Convert-GmemFileRange -Offset 0 -Length 32KB -To Private -ErrorVariable err -ErrorAction SilentlyContinue
            $err | Should -BeGmemRefusal -Errno EAGAIN -RuleId ConversionHostReference
            $err[0].Exception.Message | Should -BeLike '*error_offset 0x3000*'
        }

        It 'a conversion model option on another model is a design conflict' {
            New-GmemVm -RefcountCheck Frozen -ErrorVariable err -ErrorAction SilentlyContinue
            "$($err[0].FullyQualifiedErrorId)" | Should -BeLike 'GmemDesignConflict*'
        }
    }

    Context 'Seed C: the 2021 sealed memfd' {
        BeforeEach {
            $vm = New-GmemVm -PrivateBacking SealedMemfd
            $memfd = New-GmemMemfd -Size 2MB
        }

        It 'New-GmemMemfd makes memfd0; Add-GmemMemfdSeal seals it; Write-GmemMemfd is then EPERM' {
            $memfd.Id | Should -Be 'memfd0'
            $memfd | Add-GmemMemfdSeal -PassThru | Should -Be $memfd
            $memfd.Sealed | Should -BeTrue
            $memfd | Write-GmemMemfd -Value 1 -ErrorVariable err -ErrorAction SilentlyContinue
            $err | Should -BeGmemRefusal -Errno EPERM -RuleId MemfdSealedNoAccess
        }

        It 'Add-GmemMemfdSeal is EBUSY once Write-GmemMemfd gave the memfd pages' {
            $memfd | Write-GmemMemfd -Value 1, 2
            $memfd | Add-GmemMemfdSeal -ErrorVariable err -ErrorAction SilentlyContinue
            $err | Should -BeGmemRefusal -Errno EBUSY -RuleId MemfdSealBusy
        }

        It 'Add-Memslot -Memfd registers the VM as the guest owner' {
            $memfd | Add-GmemMemfdSeal
            $slot = $memfd | Add-Memslot -IntoVm $vm -Gpa 0 -PassThru
            $slot.Memfd | Should -Be $memfd
            Get-GmemEvent -Backend Simulator -Since $mark | Should -HaveGmemEvent -Kind MemfdOwnerRegistered -EventCount 1
        }

        It 'Start-GmemGuestFault holds the page lock: Set-GmemMemfdSize waits for Complete-GmemGuestFault' {
            $memfd | Add-GmemMemfdSeal
            $null = $memfd | Add-Memslot -IntoVm $vm -Gpa 0 -PassThru
            $fault = $vm | Start-GmemGuestFault -Gpa 0x5000
            $memfd | Set-GmemMemfdSize -Size 0x5000
            Get-GmemEvent -Backend Simulator -Since $mark | Should -HaveGmemEvent -Kind TruncateWaitsOnPageLock -EventCount 1
            Get-GmemEvent -Backend Simulator -Since $mark | Should -Not -HaveGmemEvent -Kind PagesFreed
            $fault | Complete-GmemGuestFault -PassThru | Should -Be $fault
            $fault.Completed | Should -BeTrue
            Get-GmemEvent -Backend Simulator -Since $mark | Should -HaveGmemEvent -Kind PagesFreed -EventCount 1
        }

        It 'an upstream VM refuses a memfd (GmemFdNotGuestMemfd)' {
            $memfd | Add-Memslot -IntoVm (New-GmemVm) -Gpa 0 -ErrorVariable err -ErrorAction SilentlyContinue
            $err | Should -BeGmemRefusal -Errno EINVAL -RuleId GmemFdNotGuestMemfd
        }
    }

    Context 'Seed E: VFIO holding the VM' {
        It 'New-GmemKvmVfioDevice, New-GmemVfioDevice: the upstream close order destroys the VM at the VFIO close, without a deadlock' {
            $vm = New-GmemVm
            $kv = $vm | New-GmemKvmVfioDevice
            $kv | Should -BeOfType ([GmemPS.Lab.LabKvmVfioDevice])
            $dev = $kv | New-GmemVfioDevice
            $dev.Group | Should -Be 0
            $vm | Remove-GmemVm -Confirm:$false
            $kv | Close-GmemKvmVfioDevice
            Get-GmemEvent -Backend Simulator -Since $mark | Should -Not -HaveGmemEvent -Kind VmDestroyed
            $dev | Close-GmemVfioDevice -PassThru | Should -Be $dev
            Get-GmemEvent -Backend Simulator -Since $mark | Should -HaveGmemEvent -Kind VmDestroyed -EventCount 1
            Get-GmemEvent -Backend Simulator -Since $mark | Should -Not -HaveGmemEvent -Kind LockDeadlock
        }

        It 'the pre-fix ordering reports the group_lock deadlock' {
            $vm = New-GmemVm -VfioRefPolicy DriverTakes -KvmVfioCleanup Destroy
            $kv = $vm | New-GmemKvmVfioDevice
            $dev = $kv | New-GmemVfioDevice
            $vm | Remove-GmemVm -Confirm:$false
            $kv | Close-GmemKvmVfioDevice -PassThru | Should -Be $kv
            $dev | Close-GmemVfioDevice
            Get-GmemEvent -Backend Simulator -Since $mark | Should -HaveGmemEvent -Kind LockDeadlock -EventCount 1
        }

        It 'Invoke-GmemWorkQueue runs the destroys kvm_put_kvm_async deferred; New-GmemVfioDevice -InGroupOf opens without a dying VM' {
            $vm = New-GmemVm -KvmVfioCleanup Destroy -DestroyTrigger AsyncPut
            $kv = $vm | New-GmemKvmVfioDevice
            $dev = $kv | New-GmemVfioDevice
            $dev | Close-GmemVfioDevice
            $vm | Remove-GmemVm -Confirm:$false
            $kv | Close-GmemKvmVfioDevice
            $late = New-GmemVfioDevice -InGroupOf $dev
            Get-GmemEvent -Backend Simulator -Since $mark | Should -HaveGmemEvent -Kind KvmGetSafeFailed -EventCount 1
            Invoke-GmemWorkQueue | Should -Be 1
            $late | Close-GmemVfioDevice
        }

        It 'Test-GmemKvmModuleUnload names what pins kvm.ko' {
            (Test-GmemKvmModuleUnload).Unloadable | Should -BeTrue
            $vm = New-GmemVm -ModulePinning ModuleRef
            $kv = $vm | New-GmemKvmVfioDevice
            $dev = $kv | New-GmemVfioDevice
            $vm | Remove-GmemVm -Confirm:$false
            $kv | Close-GmemKvmVfioDevice
            $result = Test-GmemKvmModuleUnload
            $result.Unloadable | Should -BeFalse
            $result.Holder | Should -BeLike '*module reference*'
            $dev | Close-GmemVfioDevice
        }
    }
}
