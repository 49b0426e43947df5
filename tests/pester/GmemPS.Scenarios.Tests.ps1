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
            # Every step kind a scenario holds: the cmdlets, and the session lab's methods where no cmdlet makes the call.
            function Invoke-EveryStepKind {
                $lab = [GmemPS.Infrastructure.GmemSession]::Current
                function Invoke-Refusable([scriptblock] $Call) { try { $null = & $Call } catch { $null = $_ } }
                $vm = New-GmemVm -Backend $Backend
                $file = $vm | New-GmemFile -Size 2MB -Mmap -InitShared
                $vm | New-GmemFile -Size 4097 -ErrorAction SilentlyContinue
                $slot = $file | Add-Memslot -Gpa 0 -PassThru
                $file | Write-GmemMemory -Offset 0x2000 -Value 1, 2, 3, 4 -Confirm:$false
                $null = $vm | Invoke-GuestAccess -Gpa 0x2000 -Read 4
                $null = $vm | Invoke-GuestAccess -Gpa 0x3000 -Write 0x42 -Confirm:$false
                $null = $file | Read-GmemMemory -Offset 0x3000 -Count 1
                $null = $vm | Invoke-GuestAccess -Gpa (4GB + 0x10) -Read 1
                # /dev/kvm of the VM's host (a null profile stays null: PowerShell would pass $null to a string as '').
                $kvmFd = [uint32] $lab.Host($vm.Backend, $(if ($vm.Profile) { $vm.Profile } else { [NullString]::Value })).Fd
                Invoke-Refusable { $lab.SetMemslot($vm, [GmemPS.Kernel.UserMemoryRegion2]::new(1, 'GuestMemfd', 4GB, 2MB, 0, 0, $kvmFd), $null) }
                $file | Add-GmemRange -Offset 0 -Length 0x4000 -Confirm:$false
                $file | Remove-GmemRange -Offset 0x2000 -Length 4KB -Confirm:$false
                Invoke-Refusable { $lab.FileRead($file, 8) }
                Invoke-Refusable { $lab.FileTruncate($file, 4096) }
                Invoke-Refusable { $lab.Map($file, [GmemPS.Kernel.MapRequest]::new(0, 4096, $false)) }
                $map = $lab.Map($file, [GmemPS.Kernel.MapRequest]::new(0x1000, 0x2000, $true))
                $null = $lab.HostRead($map, 0, 4)
                $lab.Unmap($map)
                $anonymous = Add-Memslot -Vm $vm -Gpa 4GB -Size 0x10000 -PassThru
                Invoke-Refusable { $lab.SetAttributes($vm, [GmemPS.Kernel.MemoryAttributesRequest]::new(0, 0x1000, 'Private', 0)) }
                $null = Get-GmemCapability -Name GuestMemfdFlags -Vm $vm
                $anonymous, $slot | Remove-Memslot -Confirm:$false
                $small = $vm | New-GmemFile -Size 4KB
                $small | Close-GmemFile -Confirm:$false
                $file | Close-GmemFile -Confirm:$false
                $vm | Remove-GmemVm -Confirm:$false
            }

            # Runs an exported script in a fresh pwsh (strict mode, stop on error) with $Environment set, and returns what
            # its summary said and which GmemPS it imported.
            function Invoke-FreshShell([string] $Script, [hashtable] $Environment) {
                $saved = @{}
                foreach ($name in $Environment.Keys) {
                    $saved[$name] = [Environment]::GetEnvironmentVariable($name)
                    [Environment]::SetEnvironmentVariable($name, $Environment[$name])
                }
                try {
                    $command = "Set-StrictMode -Version Latest; `$ErrorActionPreference = 'Stop'; `$PSStyle.OutputRendering = 'PlainText'
                        `$summary = & '$Script' -Backend $Backend
                        [pscustomobject]@{
                            Module = (Get-Module GmemPS).ModuleBase; Steps = `$summary.StepCount; AsExpected = `$summary.AsExpected
                            Differing = @(`$summary.Differing | ForEach-Object { `"`$_`" }); Kinds = @(`$summary.Steps | ForEach-Object Kind)
                            Summary = (`$summary | Out-String -Width 80).Trim()
                        } | ConvertTo-Json -Depth 3"
                    $output = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command $command 2>&1
                    if ($LASTEXITCODE -ne 0) { throw "The fresh pwsh failed ($LASTEXITCODE): $($output -join "`n")" }
                    return ($output -join "`n") | ConvertFrom-Json
                }
                finally {
                    foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
                }
            }

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

        It 'The exported script runs alone in a fresh pwsh (importing the module that wrote it) and ends with a summary' {
            Invoke-EveryStepKind
            $null = "$TestDrive/alone.json", "$TestDrive/alone.ps1" | Export-GmemScenario -Confirm:$false
            $scenario = [GmemPS.Scenarios.Scenario]::FromJson((Get-Content -Raw -LiteralPath "$TestDrive/alone.json"))
            $run = Invoke-FreshShell "$TestDrive/alone.ps1" @{ PSModulePath = ''; XDG_DATA_HOME = "$TestDrive/no-modules" }
            $run.Module | Should -Be (Get-Module GmemPS).ModuleBase
            $run.Steps | Should -Be $scenario.Steps.Count
            $run.Differing | Should -BeNullOrEmpty
            $run.AsExpected | Should -BeTrue
            $run.Kinds | Should -Be @($scenario.Steps | ForEach-Object Kind)
            $run.Summary | Should -Match '(?m)^AsExpected\s+Steps\s+Differing\s+Scenario\s+Target\s*$'
            $run.Summary | Should -Match "(?m)^True\s+$($scenario.Steps.Count)\s+0\s+alone\s+$Backend"
        }

        It 'The exported script runs in a session that has objects and leaves them alone' {
            $vm = New-GmemVm -Backend $Backend
            $file = $vm | New-GmemFile -Size 2MB -Mmap -InitShared
            $file | Write-GmemMemory -Offset 0 -Value 9, 8, 7 -Confirm:$false
            $null = Export-GmemScenario -Path "$TestDrive/inside.ps1" -Confirm:$false
            $lab = [GmemPS.Infrastructure.GmemSession]::Current
            $states = $lab.ObjectStates()
            $steps = $lab.StepCount
            $summary = & "$TestDrive/inside.ps1" -Backend $Backend
            $summary.AsExpected | Should -BeTrue
            $summary.StepCount | Should -BeGreaterThan 2
            [GmemPS.Infrastructure.GmemSession]::Current | Should -Be $lab
            $lab.ObjectStates() | Should -Be $states
            $lab.StepCount | Should -Be $steps
            @(Get-GmemVm) | Should -Be @($vm)
            @(Get-GmemFile) | Should -Be @($file)
            ($file | Read-GmemMemory -Offset 0 -Count 3) -join ',' | Should -Be '9,8,7'
        }

        It 'A session with a design VM exports its upstream steps, renamed as a fresh session names them, and says what it left out' {
            $design = New-GmemVm -PinModel SlotPinsFile
            $null = $design | New-GmemFile -Size 2MB
            Invoke-EveryStepKind
            $files = "$TestDrive/mixed.json", "$TestDrive/mixed.ps1" | Export-GmemScenario -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
            $files | Should -HaveCount 2
            "$($warnings[0])" | Should -Match 'left out: step 0 \(CreateVm -> vm0\): the VM runs the designs PinModel=SlotPinsFile.*step 1 \(CreateFile -> gmem0\): it works on vm0'
            $scenario = [GmemPS.Scenarios.Scenario]::FromJson((Get-Content -Raw -LiteralPath "$TestDrive/mixed.json"))
            $scenario.Steps[0].Expected.Result | Should -Be 'vm0'
            $scenario.Steps[1].Argument('Vm') | Should -Be 'vm0'
            Get-Content -Raw -LiteralPath "$TestDrive/mixed.ps1" | Should -Match 'Left out: 2 steps'
            $run = Invoke-FreshShell "$TestDrive/mixed.ps1" @{ PSModulePath = ''; XDG_DATA_HOME = "$TestDrive/no-modules" }
            $run.Differing | Should -BeNullOrEmpty
            $run.Steps | Should -Be $scenario.Steps.Count
            @(Invoke-GmemScenario -Path "$TestDrive/mixed.json" -Backend $Backend | Where-Object { -not $_.AsExpected }) | Should -HaveCount 0
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

    It 'An exported script imports GmemPS by name where it is installed' {
        $null = New-GmemVm | New-GmemFile -Size 2MB
        $null = Export-GmemScenario -Path "$TestDrive/installed.ps1" -Confirm:$false
        $modules = Join-Path $TestDrive 'Modules'
        $null = New-Item -ItemType Directory -Path $modules
        Copy-Item -LiteralPath (Get-Module GmemPS).ModuleBase -Destination (Join-Path $modules 'GmemPS') -Recurse
        $saved = $env:PSModulePath
        $env:PSModulePath = $modules
        try {
            $output = @(& (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command "Set-StrictMode -Version Latest; `$ErrorActionPreference = 'Stop'; `$s = & '$TestDrive/installed.ps1'; '{0}|{1}' -f (Get-Module GmemPS).ModuleBase, `$s.AsExpected" 2>&1)
        }
        finally { $env:PSModulePath = $saved }
        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        "$($output[-1])" | Should -Be "$(Join-Path $modules 'GmemPS')|True"
    }
}
