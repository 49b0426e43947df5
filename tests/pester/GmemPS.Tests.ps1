# Pester 5 suite for every GmemPS cmdlet, run once per backend: the Simulator always, the Kvm backend where
# /dev/kvm is usable. Tags: Simulator, Kvm. Run with tests/pester/Invoke-PesterSuite.ps1 (a fresh pwsh: the
# module's DLLs cannot be unloaded).
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/GmemPS')
)

BeforeDiscovery {
    # Whether the Kvm backend can run here, decided before any test is generated: sets $backendCases.
    . (Join-Path $PSScriptRoot 'GmemPS.BackendCases.ps1')
}

foreach ($case in $backendCases) {
    Describe "GmemPS cmdlets on the $($case.Backend) backend" -Tag $case.Backend -Skip:$case.Skip -ForEach @($case) {
        BeforeAll {
            Import-Module -Name $ModulePath -ErrorAction Stop
            Import-Module -Name (Join-Path $PSScriptRoot 'GmemPS.ShouldOperators.psm1') -Force -ErrorAction Stop
            if ($SkipReason) { Write-Host "Kvm tests skipped: $SkipReason" }

            # The error id a kernel refusal gets on this backend: the simulator names the rule it modelled;
            # the real kernel returns only an errno, so several rules with one errno give "<Operation><Errno>".
            function Get-ExpectedErrorId([string] $SimulatorId, [string] $KvmId) {
                if ($Backend -eq 'Simulator') { return $SimulatorId }
                return $KvmId
            }

            function Get-LastSequence {
                $last = Get-GmemEvent -Backend $Backend | Select-Object -Last 1
                if ($null -eq $last) { return [long] 0 }
                return [long] $last.Sequence
            }
        }

        BeforeEach {
            # Every test starts on an empty session: ids restart at vm0, gmem0.
            [GmemPS.Infrastructure.GmemSession]::Reset()
        }

        Context 'New-GmemVm, Get-GmemVm, Remove-GmemVm' {
            It 'New-GmemVm creates vm0 on the backend, open, type 0' {
                $vm = New-GmemVm -Backend $Backend
                $vm | Should -BeOfType ([GmemPS.Lab.LabVm])
                $vm.Id | Should -Be 'vm0'
                "$($vm.Backend)" | Should -Be $Backend
                $vm.Type | Should -Be 0
                "$($vm.State)" | Should -Be 'Open'
            }

            It 'Get-GmemVm lists every VM, by id and by wildcard' {
                $null = New-GmemVm -Backend $Backend
                $null = New-GmemVm -Backend $Backend
                @(Get-GmemVm) | Should -HaveCount 2
                (Get-GmemVm -Id vm1).Id | Should -Be 'vm1'
                @(Get-GmemVm 'vm*') | Should -HaveCount 2
            }

            It 'Remove-GmemVm closes the VM handle and outputs nothing' {
                $vm = New-GmemVm -Backend $Backend
                $out = $vm | Remove-GmemVm -Confirm:$false
                $out | Should -BeNullOrEmpty
                "$((Get-GmemVm vm0).State)" | Should -Be 'Destroyed' -Because 'no guest_memfd keeps it alive'
            }

            It 'Remove-GmemVm -PassThru outputs the closed VM: KeptAlive while a file of it is open' {
                $vm = New-GmemVm -Backend $Backend
                $null = $vm | New-GmemFile -Size 4KB
                $out = $vm | Remove-GmemVm -Confirm:$false -PassThru
                $out.Id | Should -Be 'vm0'
                "$($out.State)" | Should -Be 'KeptAlive'
            }

            It 'Remove-GmemVm -WhatIf changes nothing' {
                $vm = New-GmemVm -Backend $Backend
                $vm | Remove-GmemVm -WhatIf
                "$($vm.State)" | Should -Be 'Open'
            }

            It 'New-GmemVm refuses an unsupported VM type (KVM_CAP_VM_TYPES has only type 0 here)' {
                { New-GmemVm -Backend $Backend -Type 5 -ErrorAction Stop } | Should -Throw -ErrorId 'VmTypeUnsupported,*'
            }
        }

        Context 'Get-GmemCapability' {
            It 'reports KVM_CAP_<Name> = <Value> for the host' -ForEach @(
                @{ Name = 'UserMemory2'; Number = 231; Value = 1 }
                @{ Name = 'MemoryAttributes'; Number = 233; Value = 0 }
                @{ Name = 'GuestMemfd'; Number = 234; Value = 1 }
                @{ Name = 'GuestMemfdFlags'; Number = 244; Value = 3 }
            ) {
                $cap = Get-GmemCapability -Backend $Backend -Name $Name
                "$($cap.Name)" | Should -Be $Name
                $cap.Number | Should -Be $Number
                $cap.Value | Should -Be $Value
                "$($cap.Backend)" | Should -Be $Backend
            }

            It 'answers on a VM fd when a VM is piped' {
                $cap = New-GmemVm -Backend $Backend | Get-GmemCapability -Name GuestMemfdFlags
                $cap.Value | Should -Be 3
            }
        }

        Context 'New-GmemFile, Get-GmemFile, Close-GmemFile' {
            BeforeEach {
                $vm = New-GmemVm -Backend $Backend
            }

            It 'New-GmemFile -Mmap -InitShared creates gmem0 with those flags' {
                $file = $vm | New-GmemFile -Size 2MB -Mmap -InitShared
                $file | Should -BeOfType ([GmemPS.Lab.LabFile])
                $file.Id | Should -Be 'gmem0'
                $file.Size | Should -Be 2MB
                $file.Flags | Should -Be ([GmemPS.Kernel.GuestMemfdFlags] 'Mmap, InitShared')
                $file.Vm.Id | Should -Be 'vm0'
            }

            It 'New-GmemFile -Flags takes the raw flags' {
                ($vm | New-GmemFile -Size 4KB -Flags 1).Flags | Should -Be ([GmemPS.Kernel.GuestMemfdFlags]::Mmap)
            }

            It 'New-GmemFile refuses <Case> with <Errno>' -ForEach @(
                @{ Case = 'size 0'; Size = 0; Flags = 0; Errno = 'EINVAL'; SimulatorId = 'GmemSizeInvalid'; KvmId = 'CreateGuestMemfdEINVAL' }
                @{ Case = 'size 4097'; Size = 4097; Flags = 0; Errno = 'EINVAL'; SimulatorId = 'GmemSizeInvalid'; KvmId = 'CreateGuestMemfdEINVAL' }
                @{ Case = 'flag bit 2'; Size = 4096; Flags = 4; Errno = 'EINVAL'; SimulatorId = 'GmemFlagsUnsupported'; KvmId = 'CreateGuestMemfdEINVAL' }
            ) {
                $id = Get-ExpectedErrorId $SimulatorId $KvmId
                # Enum.ToObject keeps an undefined bit, which a PowerShell cast to a flags enum may refuse.
                $rawFlags = [Enum]::ToObject([GmemPS.Kernel.GuestMemfdFlags], $Flags)
                { $vm | New-GmemFile -Size $Size -Flags $rawFlags -ErrorAction Stop } | Should -Throw -ErrorId "$id,*"
                $vm | New-GmemFile -Size $Size -Flags $rawFlags -ErrorAction SilentlyContinue -ErrorVariable err
                $err | Should -BeGmemRefusal -Errno $Errno -RuleId $id
            }

            It 'Get-GmemFile lists files, by id and by VM' {
                $null = $vm | New-GmemFile -Size 4KB
                $other = New-GmemVm -Backend $Backend
                $null = $other | New-GmemFile -Size 4KB
                @(Get-GmemFile) | Should -HaveCount 2
                (Get-GmemFile -Id gmem1).Vm.Id | Should -Be 'vm1'
                @($vm | Get-GmemFile).Id | Should -Be @('gmem0')
            }

            It 'Close-GmemFile outputs nothing; -PassThru outputs the closed file' {
                $a = $vm | New-GmemFile -Size 4KB
                $b = $vm | New-GmemFile -Size 4KB
                $a | Close-GmemFile | Should -BeNullOrEmpty
                $out = $b | Close-GmemFile -PassThru
                $out.Id | Should -Be 'gmem1'
                "$($a.State)", "$($b.State)" | Should -Be @('Closed', 'Closed')
            }

            It 'Close-GmemFile -WhatIf changes nothing' {
                $file = $vm | New-GmemFile -Size 4KB
                $file | Close-GmemFile -WhatIf
                "$($file.State)" | Should -Be 'Open'
            }

            It 'an id string binds where a file is expected' {
                $null = $vm | New-GmemFile -Size 4KB
                Close-GmemFile -File gmem0 -PassThru | ForEach-Object { "$($_.State)" } | Should -Be 'Closed'
            }

            It 'an unknown id is refused, naming the id' {
                { Close-GmemFile -File gmem9 -ErrorAction Stop } | Should -Throw -ExpectedMessage '*gmem9*'
            }
        }

        Context 'Add-Memslot, Get-Memslot, Remove-Memslot' {
            BeforeEach {
                $vm = New-GmemVm -Backend $Backend
                $file = $vm | New-GmemFile -Size 2MB
            }

            It 'Add-Memslot outputs nothing; -PassThru outputs the slot' {
                $file | Add-Memslot -Gpa 0 | Should -BeNullOrEmpty
                $slot = $vm | New-GmemFile -Size 2MB | Add-Memslot -Gpa 4MB -PassThru
                $slot | Should -BeOfType ([GmemPS.Lab.LabMemslot])
                $slot.Id | Should -Be 'vm0/slot1'
                $slot.Slot | Should -Be 1
            }

            It 'Add-Memslot defaults to the lowest free slot and the rest of the file from -Offset' {
                $slot = $file | Add-Memslot -Gpa 0x100000 -Offset 1MB -PassThru
                $slot.Slot | Should -Be 0
                $slot.Gpa | Should -Be 0x100000
                $slot.Size | Should -Be 1MB
                $slot.Offset | Should -Be 1MB
                $slot.File.Id | Should -Be 'gmem0'
                $slot.Flags | Should -Be ([GmemPS.Kernel.MemslotFlags]::GuestMemfd)
            }

            It 'Add-Memslot -Slot and -Size bind exactly that' {
                $slot = $file | Add-Memslot -Gpa 0 -Size 4KB -Slot 7 -PassThru
                $slot.Id | Should -Be 'vm0/slot7'
                $slot.Size | Should -Be 4KB
            }

            It 'Add-Memslot on a VM binds anonymous memory (no guest_memfd)' {
                $slot = $vm | Add-Memslot -Gpa 0x10000000 -Size 64KB -PassThru
                $slot.File | Should -BeNullOrEmpty
                $slot.UserspaceAddress | Should -Not -Be 0
                $slot.Flags | Should -Be ([GmemPS.Kernel.MemslotFlags]::None)
            }

            It 'Add-Memslot -WhatIf binds nothing' {
                $file | Add-Memslot -Gpa 0 -WhatIf
                @(Get-Memslot -Vm $vm) | Should -HaveCount 0
            }

            It 'Get-Memslot lists slots of a VM, filtered by -Slot' {
                $file | Add-Memslot -Gpa 0 -Size 1MB
                $file | Add-Memslot -Gpa 4GB -Size 1MB -Offset 1MB
                @(Get-Memslot -Vm $vm) | Should -HaveCount 2
                @(Get-Memslot -Vm $vm -Slot 1).Gpa | Should -Be @(4GB)
                @($vm | Get-Memslot).Slot | Should -Be @(0, 1)
            }

            It 'Remove-Memslot deletes; -PassThru outputs the deleted slot' {
                $slot = $file | Add-Memslot -Gpa 0 -PassThru
                $out = $slot | Remove-Memslot -Confirm:$false -PassThru
                "$($out.State)" | Should -Be 'Deleted'
                @(Get-Memslot -Vm $vm) | Should -HaveCount 0
            }

            It 'Remove-Memslot -WhatIf deletes nothing' {
                $slot = $file | Add-Memslot -Gpa 0 -PassThru
                $slot | Remove-Memslot -WhatIf
                @(Get-Memslot -Vm $vm) | Should -HaveCount 1
            }

            It 'Add-Memslot refuses <Case>: <Errno>' -ForEach @(
                @{ Case = 'a gpa range over slot 0'; Errno = 'EEXIST'; SimulatorId = 'MemslotGpaOverlap'; KvmId = 'MemslotGpaOverlap'
                    Act = { param($file) $file | Add-Memslot -Gpa 0x80000 -Size 4KB -Offset 1MB -ErrorAction Stop } }
                @{ Case = 'a file range already bound'; Errno = 'EINVAL'; SimulatorId = 'GmemRangeAlreadyBound'; KvmId = 'SetUserMemoryRegion2EINVAL'
                    Act = { param($file) $file | Add-Memslot -Gpa 1GB -Size 4KB -Offset 0 -ErrorAction Stop } }
                @{ Case = 'an unaligned file offset'; Errno = 'EINVAL'; SimulatorId = 'MemslotGmemOffsetInvalid'; KvmId = 'SetUserMemoryRegion2EINVAL'
                    Act = { param($file) $file | Add-Memslot -Gpa 1GB -Size 4KB -Offset 0x800 -ErrorAction Stop } }
                @{ Case = 'a range past the end of the file'; Errno = 'EINVAL'; SimulatorId = 'GmemRangeOutsideFile'; KvmId = 'SetUserMemoryRegion2EINVAL'
                    Act = { param($file) $file | Add-Memslot -Gpa 1GB -Size 4MB -Offset 0 -Slot 3 -ErrorAction Stop } }
                @{ Case = 'slot id 32764'; Errno = 'EINVAL'; SimulatorId = 'SlotIdOutOfRange'; KvmId = 'SetUserMemoryRegion2EINVAL'
                    Act = { param($file) $file | Add-Memslot -Gpa 1GB -Size 4KB -Offset 1MB -Slot 32764 -ErrorAction Stop } }
                @{ Case = 'changing a guest_memfd slot'; Errno = 'EINVAL'; SimulatorId = 'MemslotGmemImmutable'; KvmId = 'SetUserMemoryRegion2EINVAL'
                    Act = { param($file) $file | Add-Memslot -Gpa 2GB -Size 1MB -Offset 0 -Slot 0 -ErrorAction Stop } }
            ) {
                $file | Add-Memslot -Gpa 0 -Size 1MB -Offset 0          # slot 0: gpa [0, 1 MiB), file [0, 1 MiB)
                $id = Get-ExpectedErrorId $SimulatorId $KvmId
                { & $Act $file } | Should -Throw -ErrorId "$id,*"
                @(Get-Memslot -Vm $vm) | Should -HaveCount 1
            }

            It 'the gpa overlap is reported before the closed descriptor (EEXIST before EBADF)' {
                $file | Add-Memslot -Gpa 0
                $closed = $vm | New-GmemFile -Size 2MB | Close-GmemFile -PassThru
                { $closed | Add-Memslot -Gpa 1MB -Size 1MB -ErrorAction Stop } | Should -Throw -ErrorId 'MemslotGpaOverlap,*'
                { $closed | Add-Memslot -Gpa 4MB -ErrorAction Stop } | Should -Throw -ErrorId 'GmemFdNotOpen,*'
            }

            It '-ErrorAction SilentlyContinue: the refusal lands in -ErrorVariable and $Error, with category and target' {
                $file | Add-Memslot -Gpa 0
                $other = $vm | New-GmemFile -Size 2MB
                $Error.Clear()
                $out = $other | Add-Memslot -Gpa 0 -PassThru -ErrorAction SilentlyContinue -ErrorVariable err
                $out | Should -BeNullOrEmpty
                $err | Should -HaveCount 1
                $err[0].FullyQualifiedErrorId | Should -BeLike 'MemslotGpaOverlap,GmemPS.Commands.*'
                "$($err[0].CategoryInfo.Category)" | Should -Be 'ResourceExists'
                $err[0].TargetObject.Id | Should -Be $other.Id
                $err | Should -BeGmemRefusal -Errno EEXIST -RuleId MemslotGpaOverlap
                $Error[0].FullyQualifiedErrorId | Should -Be $err[0].FullyQualifiedErrorId
            }

            It 'a refusal of one piped object does not stop the others' {
                $second = $vm | New-GmemFile -Size 2MB
                $slots = $file, $second | Add-Memslot -Gpa 0 -PassThru -ErrorAction SilentlyContinue -ErrorVariable err
                @($slots).Id | Should -Be @('vm0/slot0')
                $err | Should -HaveCount 1
                $err[0].FullyQualifiedErrorId | Should -BeLike 'MemslotGpaOverlap,*'
            }

            It 'deleting a slot twice: EINVAL the second time' {
                $slot = $file | Add-Memslot -Gpa 0 -PassThru
                $slot | Remove-Memslot -Confirm:$false
                $slot | Remove-Memslot -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err
                $err | Should -BeGmemRefusal -Errno EINVAL -RuleId (Get-ExpectedErrorId 'MemslotDeleteMissing' 'SetUserMemoryRegion2EINVAL')
            }
        }

        Context 'Add-GmemRange and Remove-GmemRange (fallocate)' {
            BeforeEach {
                $vm = New-GmemVm -Backend $Backend
                $file = $vm | New-GmemFile -Size 2MB -Mmap -InitShared
            }

            It 'Add-GmemRange allocates and outputs nothing; -PassThru outputs the file' {
                $file | Add-GmemRange | Should -BeNullOrEmpty
                ($file | Add-GmemRange -Offset 4KB -Length 4KB -PassThru).Id | Should -Be 'gmem0'
            }

            It 'Remove-GmemRange punches: the bytes read back as zero' {
                $file | Write-GmemMemory -Offset 0x1000 -Value ([byte[]] (1, 2, 3))
                $out = $file | Remove-GmemRange -Offset 0x1000 -Length 4KB -Confirm:$false -PassThru
                $out.Id | Should -Be 'gmem0'
                $bytes = $file | Read-GmemMemory -Offset 0x1000 -Count 3
                $bytes | Should -Be @(0, 0, 0)
            }

            It 'Remove-GmemRange -WhatIf punches nothing' {
                $file | Write-GmemMemory -Offset 0x1000 -Value ([byte[]] (1, 2, 3))
                $file | Remove-GmemRange -Offset 0x1000 -Length 4KB -WhatIf
                $bytes = $file | Read-GmemMemory -Offset 0x1000 -Count 3
                $bytes | Should -Be @(1, 2, 3)
            }

            It 'piping a memslot to Remove-GmemRange punches that slot''s file range' {
                $slot = $file | Add-Memslot -Gpa 0 -Offset 1MB -PassThru
                $file | Write-GmemMemory -Offset 1MB -Value ([byte[]] (9, 9))
                $file | Write-GmemMemory -Offset 0 -Value ([byte[]] (7, 7))
                $slot | Remove-GmemRange -Confirm:$false
                $punched = $file | Read-GmemMemory -Offset 1MB -Count 2
                $punched | Should -Be @(0, 0)
                $outside = $file | Read-GmemMemory -Offset 0 -Count 2
                $outside | Should -Be @(7, 7)
            }

            It 'refuses <Case>: <Errno>' -ForEach @(
                @{ Case = 'an unaligned offset'; Offset = 0x800; Length = 4096; Errno = 'EINVAL'; SimulatorId = 'FallocateUnaligned'; KvmId = 'FallocateEINVAL' }
                @{ Case = 'allocating past the end of the file'; Offset = 2MB; Length = 4096; Errno = 'EINVAL'; SimulatorId = 'FallocateBeyondEof'; KvmId = 'FallocateEINVAL' }
            ) {
                $id = Get-ExpectedErrorId $SimulatorId $KvmId
                { $file | Add-GmemRange -Offset $Offset -Length $Length -ErrorAction Stop } | Should -Throw -ErrorId "$id,*"
            }

            It 'punching past the end of the file is accepted' {
                { $file | Remove-GmemRange -Offset 4MB -Length 4KB -Confirm:$false -ErrorAction Stop } | Should -Not -Throw
            }
        }

        Context 'Read-GmemMemory and Write-GmemMemory' {
            BeforeEach {
                $vm = New-GmemVm -Backend $Backend
            }

            It 'round-trips bytes and outputs them as one byte[]' {
                $file = $vm | New-GmemFile -Size 2MB -Mmap -InitShared
                ($file | Write-GmemMemory -Offset 0x2000 -Value ([byte[]] (0xde, 0xad)) -PassThru).Id | Should -Be 'gmem0'
                $bytes = $file | Read-GmemMemory -Offset 0x2000 -Count 2
                $bytes.GetType() | Should -Be ([byte[]])
                $bytes | Should -Be @(0xde, 0xad)
                (Read-GmemMemory -File $file -Offset 0x2000 -Count 2 | Measure-Object).Count | Should -Be 1
            }

            It 'Write-GmemMemory outputs nothing without -PassThru' {
                $file = $vm | New-GmemFile -Size 4KB -Mmap -InitShared
                $file | Write-GmemMemory -Value ([byte[]] (1)) | Should -BeNullOrEmpty
            }

            It 'refuses a file created <Case>: <Errno>' -ForEach @(
                @{ Case = 'without -Mmap'; Mmap = $false; Errno = 'ENODEV'; RuleId = 'MmapNotSupported' }
                @{ Case = 'with -Mmap but without -InitShared'; Mmap = $true; Errno = 'EIO'; RuleId = 'HostAccessNotShared' }
            ) {
                $file = $vm | New-GmemFile -Size 4KB -Mmap:$Mmap
                $file | Read-GmemMemory -Count 1 -ErrorAction SilentlyContinue -ErrorVariable err
                $err | Should -BeGmemRefusal -Errno $Errno -RuleId $RuleId
            }
        }

        Context 'Invoke-GuestAccess' {
            BeforeEach {
                $vm = New-GmemVm -Backend $Backend
                $file = $vm | New-GmemFile -Size 2MB -Mmap -InitShared
                $file | Add-Memslot -Gpa 0
            }

            It 'a guest write is seen by the host' {
                $result = $vm | Invoke-GuestAccess -Gpa 0x2000 -Write ([byte[]] (0x42))
                $result | Should -BeOfType ([GmemPS.Contract.GuestAccessResult])
                $result.Completed | Should -BeTrue
                $bytes = $file | Read-GmemMemory -Offset 0x2000 -Count 1
                $bytes | Should -Be @(0x42)
            }

            It 'a host write is seen by the guest' {
                $file | Write-GmemMemory -Offset 0x3000 -Value ([byte[]] (5, 6, 7))
                ($vm | Invoke-GuestAccess -Gpa 0x3000 -Read 3).Data | Should -Be @(5, 6, 7)
            }

            It 'an access where no slot is exits as MMIO' {
                $result = $vm | Invoke-GuestAccess -Gpa 1GB -Read 1
                "$($result.Exit)" | Should -Be 'Mmio'
                $result.ExitGpa | Should -Be 1GB
            }

            It 'an access across a page boundary is refused before the guest runs' {
                $vm | Invoke-GuestAccess -Gpa 0xfff -Read 2 -ErrorAction SilentlyContinue -ErrorVariable err
                $err | Should -HaveCount 1
                $err[0].FullyQualifiedErrorId | Should -BeLike 'GmemArgumentOutOfRange,*'
            }
        }

        Context 'Set-GmemPrivate, Set-GmemShared, Get-GmemAttribute on a host without memory attributes' {
            It '<Cmdlet> answers ENOTTY: KVM_SET_MEMORY_ATTRIBUTES does not exist here' -ForEach @(
                @{ Cmdlet = 'Set-GmemPrivate' }
                @{ Cmdlet = 'Set-GmemShared' }
            ) {
                $vm = New-GmemVm -Backend $Backend
                $vm | & $Cmdlet -Gpa 0 -Size 4KB -ErrorAction SilentlyContinue -ErrorVariable err
                $err | Should -BeGmemRefusal -Errno ENOTTY -RuleId AttributesNotSupported
                @(Get-GmemAttribute -Vm $vm | Where-Object { "$($_.State)" -eq 'Private' }) | Should -HaveCount 0
                $vm | Should -BeGmemState Shared -Gpa 0 -Size 4KB
            }
        }

        Context 'Get-GmemEvent' {
            It 'reports VmCreated and GuestMemfdCreated, filtered by -Kind and -Since' {
                $mark = Get-LastSequence
                $vm = New-GmemVm -Backend $Backend
                $null = $vm | New-GmemFile -Size 4KB
                $events = @(Get-GmemEvent -Backend $Backend -Since $mark)
                $events | Should -HaveGmemEvent -Kind VmCreated -EventCount 1
                $events | Should -HaveGmemEvent -Kind GuestMemfdCreated -EventCount 1
                @(Get-GmemEvent -Backend $Backend -Since $mark -Kind VmCreated) | Should -HaveCount 1
                @(Get-GmemEvent -Backend $Backend -Since ($events[-1].Sequence)) | Should -HaveCount 0
            }

            It 'a VM piped in selects its backend''s events' {
                $vm = New-GmemVm -Backend $Backend
                $vm | Get-GmemEvent -Kind VmCreated | Should -HaveGmemEvent -Kind VmCreated
            }
        }

        Context 'Show-GmemMap and Export-GmemMap' {
            BeforeEach {
                $vm = New-GmemVm -Backend $Backend
                $file = $vm | New-GmemFile -Size 4MB
                $file | Add-Memslot -Gpa 0 -Size 2MB
                $file | Add-Memslot -Gpa 4GB -Size 2MB -Offset 2MB
            }

            It 'Show-GmemMap prints the slots in gpa order with the gap between' {
                $lines = @($vm | Show-GmemMap)
                $lines[0] | Should -BeLike "vm0 ($Backend*"
                @($lines | Where-Object { $_ -match '^\s+\[0x200000, 0x100000000\)\s+gap\s+4094 MiB$' }) | Should -HaveCount 1
                @($lines | Where-Object { $_ -match '^\s+\[0x0, 0x200000\)\s+0\s+2 MiB\s+gmem0\s+\[0x0, 0x200000\)\s+Shared$' }) | Should -HaveCount 1
                @($lines | Where-Object { $_ -match '^\s+\[0x100000000, 0x100200000\)\s+1\s+2 MiB\s+gmem0\s+\[0x200000, 0x400000\)\s+Shared$' }) | Should -HaveCount 1
            }

            It 'Export-GmemMap writes an SVG with one slot bar per memslot and outputs the file' {
                $path = Join-Path $TestDrive 'map.svg'
                $info = $vm | Export-GmemMap -Path $path
                $info | Should -BeOfType ([System.IO.FileInfo])
                $info.FullName | Should -Be ([System.IO.Path]::GetFullPath($path))
                [xml] $svg = Get-Content -LiteralPath $path -Raw
                $svg.DocumentElement.LocalName | Should -Be 'svg'
                @($svg.GetElementsByTagName('rect') | Where-Object { $_.GetAttribute('class') -eq 'slot' }) | Should -HaveCount 2
            }

            It 'Export-GmemMap -WhatIf writes nothing' {
                $path = Join-Path $TestDrive 'whatif.svg'
                $vm | Export-GmemMap -Path $path -WhatIf
                Test-Path -LiteralPath $path | Should -BeFalse
            }
        }
    }
}

Describe 'Simulator-only kernel effects' -Tag Simulator {
    BeforeAll {
        Import-Module -Name $ModulePath -ErrorAction Stop
        Import-Module -Name (Join-Path $PSScriptRoot 'GmemPS.ShouldOperators.psm1') -Force -ErrorAction Stop
    }

    BeforeEach {
        [GmemPS.Infrastructure.GmemSession]::Reset()
    }

    Context 'memory attributes on a SwProtected host (KVM_X86_SW_PROTECTED_VM)' {
        BeforeEach {
            $vm = New-GmemVm -Profile SwProtected -Type 1
            $file = $vm | New-GmemFile -Size 2MB -Mmap
            $slot = $file | Add-Memslot -Gpa 0 -PassThru
        }

        It 'Set-GmemPrivate makes a range private; Set-GmemShared makes part of it shared again' {
            $vm | Set-GmemPrivate -Gpa 0 -Size 2MB
            $vm | Should -BeGmemState Private -Gpa 0 -Size 2MB
            $slot | Should -BeGmemState Private
            $vm | Set-GmemShared -Gpa 0x1000 -Size 4KB
            $slot | Should -BeGmemState Mixed
            $vm | Should -BeGmemState Shared -Gpa 0x1000 -Size 4KB
            $vm | Should -Not -BeGmemState Shared -Gpa 0 -Size 4KB
        }

        It 'Get-GmemAttribute reports what the session set' {
            $vm | Set-GmemPrivate -Gpa 0x10000 -Size 8KB
            $ranges = @(Get-GmemAttribute -Vm $vm | Where-Object { "$($_.State)" -eq 'Private' })
            $ranges | Should -HaveCount 1
            $ranges[0].Gpa | Should -Be 0x10000
            $ranges[0].Size | Should -Be 8KB
        }

        It '-PassThru outputs the attribute range; without it nothing' {
            $vm | Set-GmemPrivate -Gpa 0 -Size 4KB | Should -BeNullOrEmpty
            $range = $vm | Set-GmemShared -Gpa 0 -Size 4KB -PassThru
            $range | Should -BeOfType ([GmemPS.Lab.AttributeRange])
            "$($range.State)" | Should -Be 'Shared'
        }

        It 'a memslot piped in converts the whole slot' {
            $slot | Set-GmemPrivate
            $slot | Should -BeGmemState Private
        }

        It '-WhatIf converts nothing' {
            $vm | Set-GmemPrivate -Gpa 0 -Size 2MB -WhatIf
            $slot | Should -BeGmemState Shared
        }

        It '-Fallocate allocates the bound file range going private and punches it going shared' {
            $mark = (Get-GmemEvent -Backend Simulator -Profile SwProtected | Select-Object -Last 1).Sequence
            $slot | Set-GmemPrivate -Fallocate
            Get-GmemEvent -Backend Simulator -Profile SwProtected -Since $mark | Should -HaveGmemEvent -Kind PagesAllocated -EventCount 1
            $slot | Set-GmemShared -Fallocate
            Get-GmemEvent -Backend Simulator -Profile SwProtected -Since $mark | Should -HaveGmemEvent -Kind Invalidated -Slot 0 -GfnStart 0 -GfnEnd 0x200 -Cause PunchHole
        }

        It 'a private access with no slot exits with KVM_EXIT_MEMORY_FAULT' {
            $vm | Set-GmemPrivate -Gpa 1GB -Size 4KB
            $result = $vm | Invoke-GuestAccess -Gpa 1GB -Read 1
            "$($result.Exit)" | Should -Be 'MemoryFault'
            "$($result.FaultFlags)" | Should -Be 'Private'
        }

        It 'the map shows the slot Mixed with its private rows' {
            $vm | Set-GmemPrivate -Gpa 0 -Size 4KB
            $lines = @($vm | Show-GmemMap)
            @($lines | Where-Object { $_ -match '^\s+\[0x0, 0x200000\)\s+0\s+.*Mixed$' }) | Should -HaveCount 1
            @($lines | Where-Object { $_ -match '^\s+\[0x0, 0x1000\)\s+4 KiB\s+Private$' }) | Should -HaveCount 1
        }
    }

    Context 'invalidations the kernel does not report (exact gfn ranges)' {
        BeforeEach {
            $vm = New-GmemVm
            $file = $vm | New-GmemFile -Size 2MB
            $file | Add-Memslot -Gpa 0x10000000 -Size 1MB -Offset 0
            $file | Add-Memslot -Gpa 0x20000000 -Size 1MB -Offset 1MB
            $mark = (Get-GmemEvent -Backend Simulator | Select-Object -Last 1).Sequence
        }

        It 'a punch zaps exactly the bound gfns: <Case>' -ForEach @(
            @{ Case = 'inside slot 0'; Offset = 0x3000; Length = 0x2000; Zaps = @(@{ Slot = 0; Start = 0x10003; End = 0x10005 }) }
            @{ Case = 'across both slots'; Offset = 0xfe000; Length = 0x4000; Zaps = @(@{ Slot = 0; Start = 0x100fe; End = 0x10100 }, @{ Slot = 1; Start = 0x20000; End = 0x20002 }) }
        ) {
            $file | Remove-GmemRange -Offset $Offset -Length $Length -Confirm:$false
            $events = @(Get-GmemEvent -Backend Simulator -Since $mark)
            $events | Should -HaveGmemEvent -Kind Invalidated -EventCount $Zaps.Count
            foreach ($zap in $Zaps) {
                $events | Should -HaveGmemEvent -Kind Invalidated -Slot $zap.Slot -GfnStart $zap.Start -GfnEnd $zap.End -Cause PunchHole -EventCount 1
            }
        }

        It 'closing the VM handle first keeps the VM until its file is closed' {
            $vm | Remove-GmemVm -Confirm:$false
            $vm | Should -Not -HaveGmemEvent -Kind VmDestroyed
            $file | Close-GmemFile
            $events = @(Get-GmemEvent -Backend Simulator -Since $mark)
            $events | Should -HaveGmemEvent -Kind Invalidated -Cause FileRelease -EventCount 2
            $events | Should -HaveGmemEvent -Kind VmDestroyed -EventCount 1
        }
    }
}
