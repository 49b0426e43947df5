# Pester 5 tests of the scenario cmdlets (Export-, Invoke-, Compare-GmemScenario), run per backend like the main
# suite: the Simulator always, the Kvm backend where /dev/kvm is usable. Tags: Simulator, Kvm.
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/GmemPS')
)

BeforeDiscovery {
    # Whether the Kvm backend can run here, decided before any test is generated: sets $backendCases.
    . (Join-Path $PSScriptRoot 'GmemPS.BackendCases.ps1')
}

foreach ($case in $backendCases) {
    Describe "Scenario cmdlets on the $($case.Backend) backend" -Tag $case.Backend -Skip:$case.Skip -ForEach @($case) {
        BeforeAll {
            Import-Module -Name $ModulePath -ErrorAction Stop

            # A session with successes and refusals of every origin: a bind through the file's own mapping, host and
            # guest data, a refused size, a closed file as a guest_memfd, and closes.
            function Invoke-SampleSession {
                $vm = New-GmemVm -Backend $Backend
                $file = $vm | New-GmemFile -Size 2MB -Mmap -InitShared
                $vm | New-GmemFile -Size 4097 -ErrorAction SilentlyContinue
                $file | Add-Memslot -Gpa 0
                $file | Write-GmemMemory -Offset 0x2000 -Value 1, 2, 3, 4 -Confirm:$false
                $null = $vm | Invoke-GuestAccess -Gpa 0x2000 -Read 4
                $null = $vm | Invoke-GuestAccess -Gpa 0x3000 -Write 0x42 -Confirm:$false
                $null = $file | Read-GmemMemory -Offset 0x3000 -Count 1
                $file | Remove-GmemRange -Offset 0x2000 -Length 4KB -Confirm:$false
                $small = $vm | New-GmemFile -Size 4KB
                $small | Close-GmemFile -Confirm:$false
                $small | Add-Memslot -IntoVm $vm -Gpa 4GB -ErrorAction SilentlyContinue
                Get-Memslot -Vm $vm | Remove-Memslot -Confirm:$false
                $file | Close-GmemFile -Confirm:$false
                $vm | Remove-GmemVm -Confirm:$false
            }
        }

        BeforeEach {
            [GmemPS.Infrastructure.GmemSession]::Reset()
        }

        It 'Export-GmemScenario writes the session''s steps as JSON and as a script, by extension, from the pipeline' {
            Invoke-SampleSession
            $steps = [GmemPS.Infrastructure.GmemSession]::Current.Steps
            $files = "$TestDrive/sample.json", "$TestDrive/sample.ps1" | Export-GmemScenario -Confirm:$false
            $files | Should -HaveCount 2
            $files[0] | Should -BeOfType ([System.IO.FileInfo])
            $scenario = [GmemPS.Scenarios.Scenario]::FromJson((Get-Content -Raw -LiteralPath "$TestDrive/sample.json"))
            $scenario.Name | Should -Be 'sample'
            $scenario.Steps.Count | Should -Be $steps.Count
            $scenario.Steps[1].Kind | Should -Be 'CreateFile'
            "$($scenario.Steps[2].Expected.Errno)" | Should -Be 'EINVAL'
            Get-Content -Raw -LiteralPath "$TestDrive/sample.ps1" | Should -Match 'Add-Memslot -File ''gmem0'''
        }

        It 'Export-GmemScenario -WhatIf writes nothing, and a name without .json or .ps1 needs -Format' {
            $null = New-GmemVm -Backend $Backend
            Export-GmemScenario -Path "$TestDrive/none.json" -WhatIf
            Test-Path -LiteralPath "$TestDrive/none.json" | Should -BeFalse
            { Export-GmemScenario -Path "$TestDrive/case.txt" -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'GmemScenarioFormatUnknown,*'
            $file = Export-GmemScenario -Path "$TestDrive/case.txt" -Format Json -Name named -Confirm:$false
            [GmemPS.Scenarios.Scenario]::FromJson((Get-Content -Raw -LiteralPath $file.FullName)).Name | Should -Be 'named'
        }

        It 'Invoke-GmemScenario replays a scenario step by step as it was recorded, without touching the session' {
            Invoke-SampleSession
            $null = Export-GmemScenario -Path "$TestDrive/replay.json" -Confirm:$false
            [GmemPS.Infrastructure.GmemSession]::Reset()
            $results = @(Invoke-GmemScenario -Path "$TestDrive/replay.json" -Backend $Backend)
            $results | Should -Not -BeNullOrEmpty
            $results[0] | Should -BeOfType ([GmemPS.Scenarios.ScenarioStepResult])
            @($results | Where-Object { -not $_.AsExpected }) | Should -HaveCount 0
            @(Get-GmemVm) | Should -HaveCount 0
        }

        It 'Invoke-GmemScenario takes files from Get-ChildItem and reports a missing or malformed file as that input''s error' {
            $null = New-GmemVm -Backend $Backend
            $null = Export-GmemScenario -Path "$TestDrive/one.json" -Confirm:$false
            Set-Content -LiteralPath "$TestDrive/bad.json" -Value '{ "format": "GmemPS.Scenario/1", "steps": [ { "kind": "Reboot" } ] }'
            $results = @(Get-Item -LiteralPath "$TestDrive/one.json", "$TestDrive/bad.json" |
                    Invoke-GmemScenario -Backend $Backend -ErrorAction SilentlyContinue -ErrorVariable err)
            $results | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'GmemScenarioInvalid,*'
            Invoke-GmemScenario -Path "$TestDrive/missing.json" -ErrorAction SilentlyContinue -ErrorVariable missing
            $missing[0].FullyQualifiedErrorId | Should -BeLike 'GmemFileNotFound,*'
        }

        It 'The exported script makes the same calls with the same outcomes as the session that was recorded' {
            Invoke-SampleSession
            $null = "$TestDrive/twin.json", "$TestDrive/twin.ps1" | Export-GmemScenario -Confirm:$false
            $scenario = [GmemPS.Scenarios.Scenario]::FromJson((Get-Content -Raw -LiteralPath "$TestDrive/twin.json"))
            $steps = @(& "$TestDrive/twin.ps1" -Backend $Backend -ErrorAction SilentlyContinue)
            $steps | Should -HaveCount $scenario.Steps.Count
            for ($i = 0; $i -lt $steps.Count; $i++) {
                $steps[$i].Kind | Should -Be $scenario.Steps[$i].Kind
                "$($steps[$i].Errno)" | Should -Be "$($scenario.Steps[$i].Expected.Errno)"
            }
        }

        It 'Compare-GmemScenario holds the simulator against the kernel, or says what the Kvm backend lacks' {
            Invoke-SampleSession
            $null = Export-GmemScenario -Path "$TestDrive/compare.json" -Confirm:$false
            $kvmUsable = $true
            try { $null = Get-GmemCapability -Backend Kvm -Name GuestMemfd -ErrorAction Stop } catch { $kvmUsable = $false }
            if ($kvmUsable) {
                @(Compare-GmemScenario -Path "$TestDrive/compare.json") | Should -HaveCount 0
                $all = @(Compare-GmemScenario -Path "$TestDrive/compare.json" -IncludeEqual)
                $all.Count | Should -BeGreaterThan 10
                $all[0] | Should -BeOfType ([GmemPS.Scenarios.ScenarioStepComparison])
                @($all | Where-Object { -not $_.Agree }) | Should -HaveCount 0
            }
            else {
                # Without /dev/kvm (or the right to open it) the comparison cannot run, and says which.
                { Compare-GmemScenario -Path "$TestDrive/compare.json" -ErrorAction Stop } | Should -Throw -ErrorId 'Kvm*'
            }
        }
    }
}

Describe 'Scenario cmdlets and the designs' -Tag Simulator {
    BeforeAll {
        Import-Module -Name $ModulePath -ErrorAction Stop
    }

    BeforeEach {
        [GmemPS.Infrastructure.GmemSession]::Reset()
    }

    It 'A session that ran a design cannot be exported: the designs run on the simulator only' {
        $null = New-GmemVm -PinModel SlotPinsFile
        Export-GmemScenario -Path "$TestDrive/design.json" -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GmemScenarioStepUnsupported,*'
        Test-Path -LiteralPath "$TestDrive/design.json" | Should -BeFalse
    }
}
