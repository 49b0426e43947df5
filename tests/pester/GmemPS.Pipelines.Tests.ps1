# Every pipeline the cmdlet spec documents, exactly as written there (plus -Confirm:$false where a cmdlet has
# ConfirmImpact High, so the suite never prompts). They run on the default backend, the Simulator.
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/GmemPS')
)

Describe 'Documented pipelines' -Tag Simulator {
    BeforeAll {
        Import-Module -Name $ModulePath -ErrorAction Stop
        Import-Module -Name (Join-Path $PSScriptRoot 'GmemPS.ShouldOperators.psm1') -Force -ErrorAction Stop
    }

    BeforeEach {
        [GmemPS.Infrastructure.GmemSession]::Reset()
    }

    It 'New-GmemVm | New-GmemFile -Size 2MB | Add-Memslot -Gpa 0 -PassThru | Remove-GmemRange -Offset 0 -Length 4KB' {
        $out = New-GmemVm | New-GmemFile -Size 2MB | Add-Memslot -Gpa 0 -PassThru |
            Remove-GmemRange -Offset 0 -Length 4KB -Confirm:$false -ErrorAction Stop
        $out | Should -BeNullOrEmpty
        $slot = Get-Memslot -Vm vm0
        $slot.Id | Should -Be 'vm0/slot0'
        $slot.File.Id | Should -Be 'gmem0'
        Get-GmemVm vm0 | Should -HaveGmemEvent -Kind Invalidated -Slot 0 -GfnStart 0 -GfnEnd 1 -Cause PunchHole -EventCount 1
    }

    It 'New-GmemVm | New-GmemFile -Size 4MB -Mmap -InitShared | Add-GmemRange -PassThru | Write-GmemMemory -Value (1,2,3) -PassThru | Read-GmemMemory -Count 3' {
        $bytes = New-GmemVm | New-GmemFile -Size 4MB -Mmap -InitShared | Add-GmemRange -PassThru |
            Write-GmemMemory -Value (1, 2, 3) -PassThru | Read-GmemMemory -Count 3 -ErrorAction Stop
        $bytes.GetType() | Should -Be ([byte[]])
        $bytes | Should -Be @(1, 2, 3)
    }

    It 'Get-GmemVm vm0 | Get-Memslot | Remove-Memslot -Confirm:$false' {
        $file = New-GmemVm | New-GmemFile -Size 4MB
        $file | Add-Memslot -Gpa 0 -Size 2MB
        $file | Add-Memslot -Gpa 4GB -Size 2MB -Offset 2MB
        @(Get-Memslot -Vm vm0) | Should -HaveCount 2

        Get-GmemVm vm0 | Get-Memslot | Remove-Memslot -Confirm:$false -ErrorAction Stop

        @(Get-Memslot -Vm vm0) | Should -HaveCount 0
        Get-GmemVm vm0 | Should -HaveGmemEvent -Kind SlotDeleted -EventCount 2
    }

    It 'Get-Memslot -Vm vm0 | Set-GmemPrivate ; Get-GmemFile | Close-GmemFile' {
        # Private memory needs a VM type that has it: KVM_X86_SW_PROTECTED_VM on a SwProtected host.
        $vm = New-GmemVm -Profile SwProtected -Type 1
        $file = $vm | New-GmemFile -Size 4MB
        $file | Add-Memslot -Gpa 0 -Size 2MB
        $file | Add-Memslot -Gpa 4GB -Size 2MB -Offset 2MB

        Get-Memslot -Vm vm0 | Set-GmemPrivate -ErrorAction Stop
        Get-GmemFile | Close-GmemFile -ErrorAction Stop

        Get-Memslot -Vm vm0 | Should -BeGmemState Private
        @(Get-GmemFile | Where-Object { "$($_.State)" -ne 'Closed' }) | Should -HaveCount 0
        # The attributes belong to the VM, not to the file: they outlive the close.
        $vm | Should -BeGmemState Private -Gpa 4GB -Size 2MB
    }

    It 'Get-GmemVm | Get-GmemEvent ; Get-GmemVm | Show-GmemMap' {
        $vm = New-GmemVm
        $vm | New-GmemFile -Size 2MB | Add-Memslot -Gpa 0
        $null = New-GmemVm

        $events = @(Get-GmemVm | Get-GmemEvent)
        $lines = @(Get-GmemVm | Show-GmemMap)

        $events | Should -HaveGmemEvent -Kind VmCreated
        $events | Should -HaveGmemEvent -Kind SlotCreated -Slot 0
        @($lines | Where-Object { $_ -like 'vm0 (*' }) | Should -HaveCount 1
        @($lines | Where-Object { $_ -like 'vm1 (*' }) | Should -HaveCount 1
        @($lines | Where-Object { $_ -match '^\s+\[0x0, 0x200000\)\s+0\s+2 MiB\s+gmem0\s' }) | Should -HaveCount 1
    }
}
