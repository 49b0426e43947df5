# Lab automation in real pwsh, on both backends: which session an object belongs to (jobs, thread jobs,
# ForEach-Object -Parallel, Export-/Import-Clixml), what each session's event log holds, what the objects'
# states say after teardown, examples started as jobs, and Remove-Module/Import-Module releasing every
# descriptor and mapping the session owned. Tags: Simulator, Kvm.
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/GmemPS')
)

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'GmemPS.BackendCases.ps1')
}

BeforeAll {
    Import-Module -Name $ModulePath -ErrorAction Stop
    $script:RepositoryRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:ModuleFolder = (Get-Module -Name GmemPS).ModuleBase

    Import-Module -Name (Join-Path $PSScriptRoot 'Support/RuleId.psm1') -Force -ErrorAction Stop

    # Runs a command expected to fail and returns the rule id it failed with ('' when it did not fail).
    function Get-RefusalOf([scriptblock] $Command) {
        try {
            $null = & $Command
        }
        catch {
            return Get-RuleIdOf $_
        }
        return ''
    }

    # What the module owns in this process: descriptors of /dev/kvm, VMs, vCPUs and guest_memfds, and the
    # guest_memfd and vCPU mappings. Nothing else in a pwsh process has these.
    function Get-KvmResourceCount {
        $fds = @(Get-ChildItem -LiteralPath /proc/self/fd -ErrorAction Ignore | ForEach-Object { $_.LinkTarget } |
            Where-Object { $_ -match '^(/dev/kvm|anon_inode:kvm-vm|anon_inode:\[kvm-gmem\]|anon_inode:kvm-vcpu:\d+)$' })
        $maps = @(Get-Content -LiteralPath /proc/self/maps | Where-Object { $_ -match 'anon_inode:(\[kvm-gmem\]|kvm-vcpu)' })
        return [pscustomobject]@{ Fds = $fds.Count; Maps = $maps.Count }
    }

    # A finished job's or runspace's session is disposed on the thread that closes the runspace, just after
    # the job reports Completed: its objects say Destroyed once that is done. Waits (bounded) for it.
    function Wait-SessionEnd($LiveVm) {
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while ("$($LiveVm.State)" -ne 'Destroyed' -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
        "$($LiveVm.State)" | Should -Be 'Destroyed' -Because 'a closed runspace disposes its session'
    }
}

foreach ($case in $backendCases) {
    Describe "Lab automation on the $($case.Backend) backend" -Tag $case.Backend -Skip:$case.Skip -ForEach @($case) {
        BeforeEach {
            [GmemPS.Infrastructure.GmemSession]::Reset()
        }

        Context 'objects of another session: a Start-Job child process' {
            BeforeAll {
                # The child makes vm0, gmem0 and vm0/slot0 on the simulator: the same ids the parent has below.
                $job = Start-Job -ScriptBlock {
                    param($ModulePath)
                    Import-Module -Name $ModulePath -ErrorAction Stop
                    $vm = New-GmemVm -Backend Simulator
                    $file = $vm | New-GmemFile -Size 64KB
                    $slot = $file | Add-Memslot -Gpa 0 -PassThru
                    $vm, $file, $slot
                } -ArgumentList $ModuleFolder
                $script:fromJob = @($job | Wait-Job | Receive-Job)
                $job | Remove-Job
            }

            It 'a job''s objects arrive with the child''s SessionId, and their Vm/File as objects, not bare ids' {
                $fromJob | Should -HaveCount 3
                $fromJob[0].pstypenames | Should -Contain 'Deserialized.GmemPS.Lab.LabVm'
                [guid] $fromJob[0].SessionId | Should -Not -Be ([guid]::Empty)
                $fromJob[1].Vm.pstypenames | Should -Contain 'Deserialized.GmemPS.Lab.LabVm'
                $fromJob[1].Vm.SessionId | Should -Be $fromJob[0].SessionId
                $fromJob[2].File.pstypenames | Should -Contain 'Deserialized.GmemPS.Lab.LabFile'
                $fromJob[2].Vm.Id | Should -Be 'vm0'
            }

            It 'the job''s VM piped to New-GmemFile is GmemForeignObject; no guest_memfd is created on this session''s vm0' {
                $null = New-GmemVm -Backend $Backend
                Get-RefusalOf { $fromJob[0] | New-GmemFile -Size 4KB -ErrorAction Stop } | Should -Be 'GmemForeignObject'
                Get-RefusalOf { New-GmemFile -Vm $fromJob[0] -Size 4KB -ErrorAction Stop } | Should -Be 'GmemForeignObject'
                @(Get-GmemFile) | Should -HaveCount 0
            }

            It 'the job''s gmem0 piped to Close-GmemFile is GmemForeignObject; this session''s gmem0 stays open' {
                $mine = New-GmemVm -Backend $Backend | New-GmemFile -Size 64KB
                Get-RefusalOf { $fromJob[1] | Close-GmemFile -ErrorAction Stop } | Should -Be 'GmemForeignObject'
                "$($mine.State)" | Should -Be 'Open'
            }

            It 'the job''s file by property name (its Vm) and its memslot are refused too; nothing here changes' {
                $mine = New-GmemVm -Backend $Backend | New-GmemFile -Size 64KB | Add-Memslot -Gpa 0 -PassThru
                Get-RefusalOf { $fromJob[1] | New-GmemFile -Size 4KB -ErrorAction Stop } | Should -Be 'GmemForeignObject'
                Get-RefusalOf { $fromJob[2] | Remove-Memslot -Confirm:$false -ErrorAction Stop } | Should -Be 'GmemForeignObject'
                "$($mine.State)" | Should -Be 'Open'
                @(Get-Memslot) | Should -HaveCount 1
            }
        }

        Context 'objects of another session: a thread job, and this session after Reset' {
            It 'a thread job''s live VM is GmemForeignObject here, and its session ended with the job' {
                $null = New-GmemVm -Backend $Backend
                $theirs = Start-ThreadJob -ScriptBlock {
                    param($ModulePath, $Backend)
                    Import-Module -Name $ModulePath -ErrorAction Stop
                    New-GmemVm -Backend $Backend
                } -ArgumentList $ModuleFolder, $Backend | Wait-Job | Receive-Job
                $theirs | Should -BeOfType ([GmemPS.Lab.LabVm])
                $theirs.Id | Should -Be 'vm0'
                $theirs.SessionId | Should -Not -Be (Get-GmemVm vm0).SessionId
                Get-RefusalOf { $theirs | New-GmemFile -Size 4KB -ErrorAction Stop } | Should -Be 'GmemForeignObject'
                Get-RefusalOf { Get-GmemEvent -Vm $theirs -ErrorAction Stop } | Should -Be 'GmemForeignObject'
                @(Get-GmemFile) | Should -HaveCount 0
                Wait-SessionEnd $theirs
            }

            It 'an object of this session from before Reset is GmemForeignObject, not the new vm0' {
                $old = New-GmemVm -Backend $Backend
                $saved = Join-Path $TestDrive 'old-vm.xml'
                $old | Export-Clixml -LiteralPath $saved
                [GmemPS.Infrastructure.GmemSession]::Reset()
                $null = New-GmemVm -Backend $Backend
                Get-RefusalOf { $old | New-GmemFile -Size 4KB -ErrorAction Stop } | Should -Be 'GmemForeignObject'
                Get-RefusalOf { Import-Clixml -LiteralPath $saved | New-GmemFile -Size 4KB -ErrorAction Stop } | Should -Be 'GmemForeignObject'
                @(Get-GmemFile) | Should -HaveCount 0
            }
        }

        Context 'Export-Clixml and Import-Clixml in this session' {
            It 'the VM, file and memslot come back usable by id: they act on this session''s objects' {
                $vm = New-GmemVm -Backend $Backend
                $file = $vm | New-GmemFile -Size 64KB
                $null = $file | Add-Memslot -Gpa 0
                $saved = Join-Path $TestDrive 'objects.xml'
                @($vm, $file, (Get-Memslot)) | Export-Clixml -LiteralPath $saved
                $back = @(Import-Clixml -LiteralPath $saved)
                $back[0].pstypenames | Should -Contain 'Deserialized.GmemPS.Lab.LabVm'
                $back[1].Vm.SessionId | Should -Be $vm.SessionId

                ($back[0] | New-GmemFile -Size 4KB).Vm | Should -Be $vm
                ($back[1].Vm | Get-Memslot).Id | Should -Be 'vm0/slot0'
                $back[2] | Remove-Memslot -Confirm:$false
                @(Get-Memslot) | Should -HaveCount 0
                $back[1] | Close-GmemFile
                "$($file.State)" | Should -Be 'Closed'
            }
        }

        Context 'one session per runspace' {
            It 'ForEach-Object -Parallel: each runspace has its own vm0, objects and events; this session is untouched' {
                $mine = New-GmemVm -Backend $Backend
                $results = @(1..3 | ForEach-Object -UseNewRunspace -ThrottleLimit 3 -Parallel {
                    Import-Module -Name $using:ModuleFolder -ErrorAction Stop
                    # Another runspace's teardown idiom: it must find nothing of the parent's.
                    $foundBefore = @(Get-GmemVm).Count
                    Get-GmemVm | Remove-GmemVm -Confirm:$false
                    $vm = New-GmemVm -Backend $using:Backend
                    $file = $vm | New-GmemFile -Size 64KB
                    $null = $file | Add-Memslot -Gpa 0
                    [pscustomobject]@{
                        Vm = $vm; FoundBefore = $foundBefore; Vms = @((Get-GmemVm).Id)
                        Events = @(Get-GmemEvent | ForEach-Object { [pscustomobject]@{ Sequence = $_.Sequence; Vm = $_.SessionVm } })
                    }
                })
                $results | Should -HaveCount 3
                @($results.Vm.SessionId | Sort-Object -Unique) | Should -HaveCount 3
                $results.Vm.SessionId | Should -Not -Contain $mine.SessionId
                foreach ($r in $results) {
                    $r.FoundBefore | Should -Be 0
                    $r.Vms | Should -Be @('vm0')
                    $r.Events.Sequence | Should -Be @(1..$r.Events.Count) -Because 'each session numbers its own events from 1'
                    @($r.Events | Where-Object Vm -NE 'vm0') | Should -HaveCount 0
                }
                "$((Get-GmemVm vm0).State)" | Should -Be 'Open'
                @(Get-GmemVm) | Should -HaveCount 1
                foreach ($r in $results) { Wait-SessionEnd $r.Vm }
            }

            It 'three concurrent Start-ThreadJob runs of examples/pci-hole-split.ps1 all hold every claim' {
                $example = Join-Path $RepositoryRoot 'examples/pci-hole-split.ps1'
                $jobs = foreach ($n in 1..3) {
                    Start-ThreadJob -ThrottleLimit 3 -ScriptBlock {
                        param($ModulePath, $Example, $Backend)
                        Import-Module -Name $ModulePath -ErrorAction Stop
                        & $Example -Backend $Backend 6>&1 | Out-String
                    } -ArgumentList $ModuleFolder, $example, $Backend
                }
                $null = $jobs | Wait-Job
                foreach ($job in $jobs) {
                    $text = $job | Receive-Job -ErrorAction Continue 2>&1 | Out-String
                    "$($job.State)" | Should -Be 'Completed' -Because "every run must pass alone; it printed:`n$text"
                    $text | Should -Match '(\d+) of \1 claims hold'
                }
                $jobs | Remove-Job
            }

            It 'ForEach-Object -Parallel runs of examples/quickstart.ps1 all hold every claim' {
                $example = Join-Path $RepositoryRoot 'examples/quickstart.ps1'
                $texts = @(1..3 | ForEach-Object -UseNewRunspace -ThrottleLimit 3 -Parallel {
                    Import-Module -Name $using:ModuleFolder -ErrorAction Stop
                    try { & $using:example -Backend $using:Backend 6>&1 | Out-String }
                    catch { "FAILED: $_" }
                })
                $texts | Should -HaveCount 3
                foreach ($text in $texts) { $text | Should -Match '(\d+) of \1 claims hold' -Because $text }
            }

            It 'ForEach-Object -Parallel reuses a runspace, and its session, across iterations unless -UseNewRunspace' {
                $vms = @(1..3 | ForEach-Object -ThrottleLimit 1 -Parallel {
                    Import-Module -Name $using:ModuleFolder -ErrorAction Stop
                    New-GmemVm -Backend $using:Backend
                })
                @($vms.SessionId | Sort-Object -Unique) | Should -HaveCount 1
                $vms.Id | Should -Be @('vm0', 'vm1', 'vm2')
                Wait-SessionEnd $vms[0]
            }

            It 'a thread job''s session is disposed when its runspace closes: its descriptors and mappings are gone' {
                $before = Get-KvmResourceCount
                $vm = Start-ThreadJob -ScriptBlock {
                    param($ModulePath, $Backend)
                    Import-Module -Name $ModulePath -ErrorAction Stop
                    $vm = New-GmemVm -Backend $Backend
                    $file = $vm | New-GmemFile -Size 2MB -Mmap -InitShared
                    $null = $file | Add-Memslot -Gpa 0
                    $file | Write-GmemMemory -Offset 0 -Value 7
                    $vm
                } -ArgumentList $ModuleFolder, $Backend | Wait-Job | Receive-Job
                Wait-SessionEnd $vm
                $after = Get-KvmResourceCount
                $after.Fds | Should -Be $before.Fds
                $after.Maps | Should -Be $before.Maps
            }
        }

        Context 'events: numbered per session, named after session objects' {
            It 'Get-GmemEvent -Vm writes only the events about that VM (its own, its files'' and slots'')' {
                $vm0 = New-GmemVm -Backend $Backend
                $file = $vm0 | New-GmemFile -Size 64KB
                $null = $file | Add-Memslot -Gpa 0
                $vm1 = New-GmemVm -Backend $Backend
                $aboutVm0 = @(Get-GmemEvent -Vm $vm0)
                $aboutVm1 = @(Get-GmemEvent -Vm vm1)
                @($aboutVm0.Kind) | Should -Be @('VmCreated', 'GuestMemfdCreated', 'SlotCreated')
                @($aboutVm1.Kind) | Should -Be @('VmCreated')
                @($aboutVm0 + $aboutVm1 | Where-Object { $_.SessionVm -notin 'vm0', 'vm1' }) | Should -HaveCount 0
                @(Get-GmemVm | Get-GmemEvent) | Should -HaveCount 4
            }

            It 'events name the session''s VM, file and memslot beside the kernel''s numbers' {
                $file = New-GmemVm -Backend $Backend | New-GmemFile -Size 64KB
                $null = $file | Add-Memslot -Gpa 0x10000
                $created = Get-GmemEvent -Kind SlotCreated | Select-Object -Last 1
                $created.SessionVm | Should -Be 'vm0'
                $created.SessionFile | Should -Be 'gmem0'
                $created.SessionSlot | Should -Be 'vm0/slot0'
                "$($created.Backend)" | Should -Be $Backend
                (Get-GmemEvent -Kind GuestMemfdCreated).SessionFile | Should -Be 'gmem0'
            }

            It 'Get-GmemEvent with no arguments reads every backend the session used, sequence numbers unique' {
                $null = New-GmemVm -Backend Simulator | New-GmemFile -Size 4KB
                $null = New-GmemVm -Backend $Backend | New-GmemFile -Size 4KB
                $null = New-GmemVm -Backend Simulator
                $all = @(Get-GmemEvent)
                $all.Sequence | Should -Be @(1..$all.Count)
                @($all.Backend | ForEach-Object { "$_" } | Sort-Object -Unique) | Should -Be @(@('Simulator', $Backend) | Sort-Object -Unique)
                @($all | Where-Object Kind -EQ VmCreated).SessionVm | Should -Be @('vm0', 'vm1', 'vm2')
                @(Get-GmemEvent -Backend $Backend).SessionVm | Sort-Object -Unique | Should -Be @(if ($Backend -eq 'Simulator') { 'vm0', 'vm1', 'vm2' } else { 'vm1' })
            }
        }

        Context 'states say what the kernel has' {
            It 'Remove-GmemVm with a file open: KeptAlive, still listed, its events still found; closing the file: Destroyed with its slots' {
                $vm = New-GmemVm -Backend $Backend
                $file = $vm | New-GmemFile -Size 64KB
                $slot = $file | Add-Memslot -Gpa 0 -PassThru
                $removed = $vm | Remove-GmemVm -Confirm:$false -PassThru
                "$($removed.State)" | Should -Be 'KeptAlive'
                (Get-GmemVm).Id | Should -Be 'vm0'
                $aboutVm0 = @(Get-GmemVm | Get-GmemEvent)
                $aboutVm0.Count | Should -BeGreaterOrEqual 3 -Because 'VmCreated, GuestMemfdCreated, SlotCreated (and the simulator''s VmKeptAliveByFiles)'
                $aboutVm0.Sequence | Should -Be @(Get-GmemEvent | Where-Object SessionVm -EQ 'vm0').Sequence
                "$($slot.State)" | Should -Be 'Open' -Because 'the kernel VM and its memslots live on'

                $file | Close-GmemFile
                "$($vm.State)" | Should -Be 'Destroyed'
                "$($slot.State)" | Should -Be 'Destroyed'
                @(Get-GmemVm) | Should -HaveCount 0
                "$((Get-GmemVm vm0).State)" | Should -Be 'Destroyed'
                @(Get-Memslot) | Should -HaveCount 0
                @(Get-GmemVm vm0 | Get-GmemEvent).Count | Should -BeGreaterOrEqual 3
            }

            It 'a VM without files is Destroyed by Remove-GmemVm; closing the file first leaves it Open' {
                $kept = New-GmemVm -Backend $Backend
                $kept | New-GmemFile -Size 4KB | Close-GmemFile
                "$($kept.State)" | Should -Be 'Open'
                $kept | Remove-GmemVm -Confirm:$false
                "$($kept.State)" | Should -Be 'Destroyed'
            }

            It 'Get-GmemVm -Backend lists the VMs of one backend' {
                $null = New-GmemVm -Backend Simulator
                $null = New-GmemVm -Backend $Backend
                @(Get-GmemVm -Backend $Backend).Backend | ForEach-Object { "$_" } | Sort-Object -Unique | Should -Be $Backend
                @(Get-GmemVm -Backend Simulator).Count | Should -Be $(if ($Backend -eq 'Simulator') { 2 } else { 1 })
            }

            # Simulator only (not generated on Kvm): the objects it binds are the simulator's designs.
            if ($Backend -eq 'Simulator') {
                It 'on the simulator the session''s Destroyed agrees with the kernel model''s VmDestroyed event' {
                    $vms = 0..2 | ForEach-Object { New-GmemVm -Backend Simulator }
                    $files = $vms | ForEach-Object { $_ | New-GmemFile -Size 4KB }
                    $vms | Remove-GmemVm -Confirm:$false
                    $files[0], $files[2] | Close-GmemFile
                    $destroyedBySimulator = @(Get-GmemEvent -Kind VmDestroyed).SessionVm | Sort-Object
                    $destroyedBySession = @($vms | Where-Object { "$($_.State)" -eq 'Destroyed' }).Id | Sort-Object
                    $destroyedBySession | Should -Be @('vm0', 'vm2')
                    $destroyedBySimulator | Should -Be $destroyedBySession
                }
            }
        }

        Context 'examples started as jobs' {
            It 'Start-Job -FilePath examples/<_>.ps1 runs and holds every claim' -ForEach @('quickstart', 'pci-hole-split') {
                Push-Location -LiteralPath $RepositoryRoot
                try {
                    $job = Start-Job -FilePath "examples/$_.ps1" -ArgumentList $Backend
                }
                finally { Pop-Location }
                $null = $job | Wait-Job
                # What the script printed (Write-Host) and any error, read from the job rather than received.
                $text = ($job.ChildJobs[0].Information.MessageData + $job.ChildJobs[0].Error) | Out-String
                "$($job.State)" | Should -Be 'Completed' -Because $text
                $text | Should -Match '(\d+) of \1 claims hold'
                $job | Remove-Job
            }
        }

        Context 'examples started as thread jobs' {
            It 'Start-ThreadJob -FilePath examples/quickstart.ps1 runs and holds every claim' {
                Push-Location -LiteralPath $RepositoryRoot
                try {
                    $job = Start-ThreadJob -FilePath examples/quickstart.ps1 -ArgumentList $Backend
                }
                finally { Pop-Location }
                $null = $job | Wait-Job
                $text = ($job.Information.MessageData + $job.Error) | Out-String
                "$($job.State)" | Should -Be 'Completed' -Because $text
                $text | Should -Match '(\d+) of \1 claims hold'
                $job | Remove-Job
            }
        }

        Context 'Remove-Module and Import-Module in one process' {
            It 'removing the module releases every descriptor and mapping of the session; the re-imported module works' {
                $pwsh = Join-Path $PSHOME 'pwsh'
                $script = @'
param($ModulePath, $Backend)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
function Count {
    $fds = @(Get-ChildItem -LiteralPath /proc/self/fd -ErrorAction Ignore | ForEach-Object { $_.LinkTarget } |
        Where-Object { $_ -match '^(/dev/kvm|anon_inode:kvm-vm|anon_inode:\[kvm-gmem\]|anon_inode:kvm-vcpu:\d+)$' })
    $maps = @(Get-Content -LiteralPath /proc/self/maps | Where-Object { $_ -match 'anon_inode:(\[kvm-gmem\]|kvm-vcpu)' })
    "$($fds.Count)/$($maps.Count)"
}
function Use-Lab {
    $vm = New-GmemVm -Backend $Backend
    $file = $vm | New-GmemFile -Size 2MB -Mmap -InitShared
    $null = $file | Add-Memslot -Gpa 0
    $file | Write-GmemMemory -Offset 0x1000 -Value 5
    $read = $vm | Invoke-GuestAccess -Gpa 0x1000 -Read 1
    $null = New-GmemVm -Backend $Backend | New-GmemFile -Size 4KB
    [pscustomobject]@{ Vm = $vm; Guest = [int]$read.Data[0] }
}
$counts = [ordered]@{ Start = Count }
Import-Module -Name $ModulePath
$first = Use-Lab
$counts.Used = Count
Remove-Module GmemPS
$counts.Removed = Count
$counts.FirstState = "$($first.Vm.State)"
Import-Module -Name $ModulePath
$second = Use-Lab
$counts.ReusedId = $second.Vm.Id
$counts.Guest = $second.Guest
$counts.Reused = Count
$counts.OldRefused = try { $first.Vm | New-GmemFile -Size 4KB; 'accepted' } catch {
    $e = $_.Exception
    while ($e -and $e -isnot [GmemPS.Lab.GmemLabException]) { $e = $e.InnerException }
    "$($e.ErrorId)"
}
Remove-Module GmemPS
$counts.RemovedAgain = Count
[pscustomobject]$counts | ConvertTo-Json -Compress
'@
                $scriptPath = Join-Path $TestDrive 'reimport.ps1'
                Set-Content -LiteralPath $scriptPath -Value $script
                $output = @(& $pwsh -NoProfile -NonInteractive -File $scriptPath -ModulePath $ModuleFolder -Backend $Backend 2>&1)
                $LASTEXITCODE | Should -Be 0 -Because ($output | Out-String)
                $counts = $output[-1] | ConvertFrom-Json
                $counts.Start | Should -Be '0/0'
                if ($Backend -eq 'Kvm') {
                    # /dev/kvm, 2 VMs, 2 files, the vCPU; the file's host view and the vCPU's kvm_run.
                    $counts.Used | Should -Be '6/2'
                    $counts.Reused | Should -Be '6/2'
                }
                else {
                    $counts.Used | Should -Be '0/0'
                }
                $counts.Removed | Should -Be '0/0'
                $counts.RemovedAgain | Should -Be '0/0'
                $counts.FirstState | Should -Be 'Destroyed'
                $counts.ReusedId | Should -Be 'vm0'
                $counts.Guest | Should -Be 5
                $counts.OldRefused | Should -Be 'GmemForeignObject'
            }
        }
    }
}
