# The custom Should operators of GmemPS.ShouldOperators.psm1: they pass when they should, fail with a message
# that names what was found, and honour -Not.
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/GmemPS')
)

Describe 'GmemPS Should operators' -Tag Simulator {
    BeforeAll {
        Import-Module -Name $ModulePath -ErrorAction Stop
        Import-Module -Name (Join-Path $PSScriptRoot 'GmemPS.ShouldOperators.psm1') -Force -ErrorAction Stop
    }

    BeforeEach {
        [GmemPS.Infrastructure.GmemSession]::Reset()
    }

    Context 'Should -BeGmemState' {
        BeforeEach {
            $vm = New-GmemVm -Profile SwProtected -Type 1
            $slot = $vm | New-GmemFile -Size 2MB | Add-Memslot -Gpa 0 -PassThru
            $vm | Set-GmemPrivate -Gpa 0 -Size 8KB
        }

        It 'reads <Expected> for <Case>' -ForEach @(
            @{ Case = 'the private pages'; Gpa = 0; Size = 8KB; Expected = 'Private' }
            @{ Case = 'pages never converted'; Gpa = 8KB; Size = 8KB; Expected = 'Shared' }
            @{ Case = 'a range across both'; Gpa = 4KB; Size = 8KB; Expected = 'Mixed' }
        ) {
            $vm | Should -BeGmemState $Expected -Gpa $Gpa -Size $Size
            Get-GmemRangeState -Vm $vm -Gpa $Gpa -Size $Size | Should -Be $Expected
        }

        It 'takes a memslot as its whole range' {
            $slot | Should -BeGmemState Mixed
        }

        It 'fails naming the state it found' {
            { $vm | Should -BeGmemState Shared -Gpa 0 -Size 4KB } | Should -Throw -ExpectedMessage '*`[0x0, 0x1000)*to be Shared*but it is Private*'
        }

        It 'honours -Not' {
            $vm | Should -Not -BeGmemState Private -Gpa 1MB -Size 4KB
            { $vm | Should -Not -BeGmemState Private -Gpa 0 -Size 4KB } | Should -Throw -ExpectedMessage '*not to be Private*'
        }

        It 'asks for -Gpa and -Size when given a VM alone' {
            { $vm | Should -BeGmemState Private } | Should -Throw -ExpectedMessage '*-Gpa and -Size*'
        }
    }

    Context 'Should -HaveGmemEvent' {
        BeforeEach {
            $vm = New-GmemVm
            $file = $vm | New-GmemFile -Size 2MB
            $file | Add-Memslot -Gpa 0
            $file | Remove-GmemRange -Offset 0x1000 -Length 0x1000 -Confirm:$false
        }

        It 'finds an event by kind and values, from piped events or from a VM' {
            Get-GmemEvent -Vm $vm | Should -HaveGmemEvent -Kind Invalidated -Slot 0 -GfnStart 1 -GfnEnd 2 -Cause PunchHole
            $vm | Should -HaveGmemEvent -Kind Invalidated -EventCount 1
        }

        It 'fails listing the events it saw' {
            { $vm | Should -HaveGmemEvent -Kind Invalidated -GfnStart 7 } | Should -Throw -ExpectedMessage '*GfnStart 0x7*Invalidated*'
        }

        It 'honours -Not and -EventCount' {
            $vm | Should -Not -HaveGmemEvent -Kind VmDestroyed
            { $vm | Should -HaveGmemEvent -Kind Invalidated -EventCount 2 } | Should -Throw -ExpectedMessage '*exactly 2 event(s)*'
        }
    }

    Context 'Should -BeGmemRefusal' {
        It 'matches the errno and the rule id of an error record' {
            $vm = New-GmemVm
            $vm | New-GmemFile -Size 0 -ErrorAction SilentlyContinue -ErrorVariable err
            $err | Should -BeGmemRefusal -Errno EINVAL -RuleId GmemSizeInvalid
            $err | Should -BeGmemRefusal -Errno EINVAL
            { $err | Should -BeGmemRefusal -Errno EEXIST } | Should -Throw -ExpectedMessage '*EEXIST*but got EINVAL GmemSizeInvalid*'
            $err | Should -Not -BeGmemRefusal -RuleId MemslotGpaOverlap
        }
    }
}
