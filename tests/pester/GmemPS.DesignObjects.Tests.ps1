# Pester 5 tests of the design objects' Get- cmdlets (Get-GmemMemfd, Get-GmemHostReference, Get-GmemKvmVfioDevice,
# Get-GmemVfioDevice, Get-GmemGuestFault), of their ids as strings on every parameter that takes those objects, and
# of tab completion of those ids (TabExpansion2, as the console completes). The objects are designs of the
# Simulator backend; on the Kvm backend the queries run and find nothing. Tags: Simulator, Kvm.
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/GmemPS')
)

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'GmemPS.BackendCases.ps1')
}

BeforeAll {
    Import-Module -Name $ModulePath -ErrorAction Stop

    # The completion texts the console offers at the end of $Line.
    function Get-Completion([string] $Line) {
        @((TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches | ForEach-Object CompletionText)
    }

    # One of every design object: memfd0 (sealed, bound), fault0 on vm1, ref0 on gmem0, kvmvfio0 of vm2, vfio0.
    function New-DesignObjects {
        [GmemPS.Infrastructure.GmemSession]::Reset()
        $rfc5 = New-GmemVm -ConversionModel FolioCallback
        $file = $rfc5 | New-GmemFile -Size 2MB -Mmap -InitShared
        $null = $file | New-GmemHostReference -Offset 0x4000 -Length 4KB
        $sealed = New-GmemVm -PrivateBacking SealedMemfd
        $memfd = New-GmemMemfd -Size 2MB
        $memfd | Add-GmemMemfdSeal
        $null = Add-Memslot -Memfd $memfd -IntoVm $sealed -Gpa 0 -PassThru
        $null = $sealed | Start-GmemGuestFault -Gpa 0x5000
        $null = New-GmemVm | New-GmemKvmVfioDevice | New-GmemVfioDevice
    }
}

Describe 'The design objects'' Get- cmdlets' -Tag Simulator {
    BeforeEach {
        New-DesignObjects
    }

    It '<Command> lists the open objects, finds one by id or wildcard, and refuses an unknown exact id' -ForEach @(
        @{ Command = 'Get-GmemMemfd'; Id = 'memfd0'; Type = 'GmemPS.Lab.LabMemfd' }
        @{ Command = 'Get-GmemHostReference'; Id = 'ref0'; Type = 'GmemPS.Lab.LabHostReference' }
        @{ Command = 'Get-GmemKvmVfioDevice'; Id = 'kvmvfio0'; Type = 'GmemPS.Lab.LabKvmVfioDevice' }
        @{ Command = 'Get-GmemVfioDevice'; Id = 'vfio0'; Type = 'GmemPS.Lab.LabVfioDevice' }
        @{ Command = 'Get-GmemGuestFault'; Id = 'fault0'; Type = 'GmemPS.Lab.LabGuestFault' }
    ) {
        $all = @(& $Command)
        $all | Should -HaveCount 1
        $all[0] | Should -BeOfType ([type] $Type)
        $all[0].Id | Should -Be $Id
        (& $Command -Id $Id.ToUpperInvariant()).Id | Should -Be $Id
        (& $Command -Id ($Id.Substring(0, 3) + '*')).Id | Should -Be $Id
        @(& $Command -Id 'nothing*') | Should -HaveCount 0
        $found = @(& $Command -Id "$($Id)9", $Id -ErrorAction SilentlyContinue -ErrorVariable err)
        $found.Id | Should -Be $Id
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike "GmemObjectNotFound,*"
        "$($err[0].TargetObject)" | Should -Be "$($Id)9"
    }

    It '-Vm and -File list only that VM''s or file''s objects, also from the pipeline' {
        (Get-GmemGuestFault -Vm vm1).Id | Should -Be 'fault0'
        @(Get-GmemGuestFault -Vm vm0) | Should -HaveCount 0
        (Get-GmemVm vm2 | Get-GmemKvmVfioDevice).Id | Should -Be 'kvmvfio0'
        (Get-GmemVfioDevice -Vm vm2).Id | Should -Be 'vfio0'
        (Get-GmemFile gmem0 | Get-GmemHostReference).Id | Should -Be 'ref0'
    }

    It 'a closed object is found by its exact id but no longer listed' {
        Complete-GmemGuestFault -Fault fault0
        Remove-GmemHostReference -Reference ref0 -Confirm:$false
        @(Get-GmemGuestFault) | Should -HaveCount 0
        (Get-GmemGuestFault fault0).Completed | Should -BeTrue
        @(Get-GmemHostReference) | Should -HaveCount 0
        "$((Get-GmemHostReference ref0).State)" | Should -Be 'Closed'
    }

    It 'every parameter that takes a design object takes its id' {
        $second = New-GmemMemfd -Size 2MB
        'memfd1' | Write-GmemMemfd -Value 1, 2
        Set-GmemMemfdSize -Memfd memfd1 -Size 4KB
        $second.Size | Should -Be 4KB
        Add-GmemMemfdSeal -Memfd memfd1 -ErrorAction SilentlyContinue -ErrorVariable busy
        $busy[0].FullyQualifiedErrorId | Should -BeLike 'MemfdSealBusy*'
        $third = New-GmemMemfd -Size 2MB
        Add-GmemMemfdSeal -Memfd memfd2
        (Add-Memslot -Memfd memfd2 -IntoVm vm1 -Gpa 1GB -PassThru).Memfd | Should -Be $third
        Complete-GmemGuestFault -Fault fault0 -PassThru | ForEach-Object Completed | Should -BeTrue
        Remove-GmemHostReference -Reference ref0 -PassThru -Confirm:$false | ForEach-Object State | Should -Be 'Closed'
        (New-GmemVfioDevice -KvmVfioDevice kvmvfio0).Id | Should -Be 'vfio1'
        (New-GmemVfioDevice -InGroupOf vfio0).Id | Should -Be 'vfio2'
        Close-GmemVfioDevice -Device vfio0, vfio1, vfio2 -PassThru | ForEach-Object State | Should -Be 'Closed', 'Closed', 'Closed'
        Close-GmemKvmVfioDevice -KvmVfioDevice kvmvfio0 -PassThru | ForEach-Object State | Should -Be 'Closed'
    }

    It 'an unknown id is the lab''s GmemObjectNotFound: <Call>' -ForEach @(
        @{ Call = 'Add-GmemMemfdSeal -Memfd memfd7'; Act = { Add-GmemMemfdSeal -Memfd memfd7 } ; Message = "*No memfd named 'memfd7'*" }
        @{ Call = 'Remove-GmemHostReference -Reference ref7'; Act = { Remove-GmemHostReference -Reference ref7 -Confirm:$false }; Message = "*No host reference named 'ref7'*" }
        @{ Call = 'New-GmemVfioDevice -KvmVfioDevice kvmvfio7'; Act = { New-GmemVfioDevice -KvmVfioDevice kvmvfio7 }; Message = "*No kvm-vfio device named 'kvmvfio7'*" }
        @{ Call = 'Close-GmemVfioDevice -Device vfio7'; Act = { Close-GmemVfioDevice -Device vfio7 }; Message = "*No VFIO device named 'vfio7'*" }
        @{ Call = 'Complete-GmemGuestFault -Fault fault7'; Act = { Complete-GmemGuestFault -Fault fault7 }; Message = "*No guest fault named 'fault7'*" }
    ) {
        $failure = { & $Act } | Should -Throw -ErrorId 'GmemObjectNotFound,*' -PassThru
        $failure.Exception.Message | Should -BeLike $Message
    }

    It 'completes the ids of <Line>' -ForEach @(
        @{ Line = 'Get-GmemMemfd '; Expected = 'memfd0' }
        @{ Line = 'Add-GmemMemfdSeal -Memfd m'; Expected = 'memfd0' }
        @{ Line = 'Add-Memslot -IntoVm vm1 -Gpa 0 -Memfd '; Expected = 'memfd0' }
        @{ Line = 'Get-GmemHostReference -Id '; Expected = 'ref0' }
        @{ Line = 'Remove-GmemHostReference -Reference r'; Expected = 'ref0' }
        @{ Line = 'Get-GmemKvmVfioDevice '; Expected = 'kvmvfio0' }
        @{ Line = 'Get-GmemKvmVfioDevice -Vm vm2 -Id '; Expected = 'kvmvfio0' }
        @{ Line = 'New-GmemVfioDevice -KvmVfioDevice k'; Expected = 'kvmvfio0' }
        @{ Line = 'Close-GmemKvmVfioDevice '; Expected = 'kvmvfio0' }
        @{ Line = 'Get-GmemVfioDevice '; Expected = 'vfio0' }
        @{ Line = 'Close-GmemVfioDevice -Device '; Expected = 'vfio0' }
        @{ Line = 'New-GmemVfioDevice -InGroupOf '; Expected = 'vfio0' }
        @{ Line = 'Get-GmemGuestFault '; Expected = 'fault0' }
        @{ Line = 'Get-GmemGuestFault -Vm vm0 -Id '; Expected = @() }
        @{ Line = 'Complete-GmemGuestFault -Fault "f'; Expected = '"fault0"' }
    ) {
        Get-Completion $Line | Should -Be $Expected
    }
}

Describe 'Completion of -Profile' -Tag Simulator {
    It 'offers the simulator''s profiles, and none after -Backend <Backend>' -ForEach @(
        @{ Backend = 'Kvm'; Line = 'New-GmemVm -Backend Kvm -Profile ' }
        @{ Backend = 'kvm'; Line = 'Get-GmemCapability -Backend kvm -Profile ' }
        @{ Backend = 'Kvm'; Line = 'New-GmemMemfd -Backend Kvm -Size 4KB -Profile ' }
    ) {
        Get-Completion $Line | Should -BeNullOrEmpty
        Get-Completion ($Line -replace "-Backend $Backend ", '') | Should -Contain 'ThisHost'
        Get-Completion ($Line -replace "-Backend $Backend ", '-Backend Simulator ') | Should -Contain 'ThisHost'
    }
}

foreach ($case in $backendCases) {
    Describe "The design objects' Get- cmdlets on a $($case.Backend) session" -Tag $case.Backend -Skip:$case.Skip -ForEach @($case) {
        It 'find nothing where no design ran, and write no error' {
            [GmemPS.Infrastructure.GmemSession]::Reset()
            $vm = New-GmemVm -Backend $Backend
            $null = $vm | New-GmemFile -Size 2MB
            $found = @(Get-GmemMemfd; Get-GmemHostReference; Get-GmemKvmVfioDevice -Vm $vm; Get-GmemVfioDevice -Vm $vm; Get-GmemGuestFault -Vm $vm)
            $found | Should -HaveCount 0
            @(Get-GmemHostReference -File gmem0 -ErrorVariable err) | Should -HaveCount 0
            $err | Should -HaveCount 0
        }
    }
}
