# Pester 5 suite for parameter binding, as the real shell does it, on both backends: the literals users type reach
# numeric parameters with the value they spell, every piped type lands in its own parameter set and binds what it
# is, unknown ids are the lab's not-found error, and nothing asks for confirmation a script cannot give.
# Which parameters a piped object bound is read from PowerShell's own binder (Trace-Command -Name ParameterBinding).
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/GmemPS')
)

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'GmemPS.BackendCases.ps1')

    # For every cmdlet, each object a user pipes into it (what another cmdlet outputs, or an id string), the arguments
    # named with it, the parameter set it must land in and exactly the parameters the piped object must bind
    # (Values: what some of them must be). Objects are made in BeforeEach (see there); Simulator rows use designs.
    $pipeCases = @(
        @{ Command = 'Add-Memslot'; From = 'file'; Arguments = @{ Gpa = 0x10000000 }; Set = 'File'; Piped = 'File' }
        @{ Command = 'Add-Memslot'; From = 'vm'; Arguments = @{ Gpa = 0x10000000; Size = 2MB }; Set = 'Anonymous'; Piped = 'Vm' }
        @{ Command = 'Add-Memslot'; From = 'memfd'; Arguments = @{ IntoVm = 'vm0'; Gpa = 0x10000000 }; Set = 'Memfd'; Piped = 'Memfd'; SimulatorOnly = $true }
        @{ Command = 'Add-GmemRange'; From = 'file'; Arguments = @{ Offset = 1MB }; Piped = 'File' }
        @{ Command = 'Add-GmemRange'; From = 'slot'; Piped = 'File', 'Length', 'Offset'; Values = @{ Offset = '1048576'; Length = '2097152' } }
        @{ Command = 'Remove-GmemRange'; From = 'file'; Arguments = @{ Offset = 1MB }; Piped = 'File' }
        @{ Command = 'Remove-GmemRange'; From = 'slot'; Piped = 'File', 'Length', 'Offset'; Values = @{ Offset = '1048576'; Length = '2097152' } }
        # A string lends its String.Length too; the cmdlet takes a lent Length only with a lent Offset (tested below).
        @{ Command = 'Remove-GmemRange'; From = 'fileId'; Piped = 'File', 'Length' }
        @{ Command = 'Clear-GmemHostMapping'; From = 'file'; Piped = 'File' }
        @{ Command = 'Clear-GmemHostMapping'; From = 'slot'; Piped = 'File', 'Length', 'Offset' }
        @{ Command = 'Convert-GmemFileRange'; From = 'file'; Arguments = @{ To = 'Private'; Offset = 0x3000 }; Piped = 'File' }
        @{ Command = 'Convert-GmemFileRange'; From = 'slot'; Arguments = @{ To = 'Private' }; Piped = 'File', 'Length', 'Offset' }
        @{ Command = 'Get-GmemPageState'; From = 'file'; Arguments = @{ Offset = 1MB }; Piped = 'File' }
        @{ Command = 'Get-GmemPageState'; From = 'slot'; Piped = 'File', 'Length', 'Offset' }
        @{ Command = 'Get-GmemPageState'; From = 'pageState'; Piped = 'File', 'Length', 'Offset'; SimulatorOnly = $true }
        @{ Command = 'Get-GmemPageState'; From = 'reference'; Piped = 'File', 'Length', 'Offset'; Values = @{ Offset = '16384'; Length = '4096' }; SimulatorOnly = $true }
        @{ Command = 'New-GmemHostReference'; From = 'file'; Arguments = @{ Offset = 0x4000 }; Piped = 'File'; SimulatorOnly = $true }
        @{ Command = 'New-GmemHostReference'; From = 'slot'; Piped = 'File', 'Length', 'Offset'; SimulatorOnly = $true }
        @{ Command = 'Remove-GmemHostReference'; From = 'reference'; Piped = 'Reference'; SimulatorOnly = $true }
        @{ Command = 'Invoke-GuestAccess'; From = 'slot'; Arguments = @{ Read = 8 }; Set = 'Read'; Piped = 'Gpa', 'Vm'; Values = @{ Gpa = '0' } }
        @{ Command = 'Invoke-GuestAccess'; From = 'vm'; Arguments = @{ Gpa = 0; Write = [byte[]](1, 2) }; Set = 'Write'; Piped = 'Vm' }
        @{ Command = 'Set-GmemPrivate'; From = 'slot'; Set = 'Memslot'; Piped = 'Memslot' }
        @{ Command = 'Set-GmemPrivate'; From = 'vm'; Arguments = @{ Gpa = 0; Size = 4KB }; Set = 'Range'; Piped = 'Vm' }
        @{ Command = 'Set-GmemShared'; From = 'slotId'; Set = 'Memslot'; Piped = 'Memslot' }
        @{ Command = 'Set-GmemShared'; From = 'vm'; Arguments = @{ Gpa = 0; Size = 4KB }; Set = 'Range'; Piped = 'Vm' }
        @{ Command = 'Get-GmemAttribute'; From = 'vm'; Piped = 'Vm' }
        @{ Command = 'Get-GmemCapability'; From = 'vm'; Arguments = @{ Name = 'GuestMemfd' }; Set = 'Vm'; Piped = 'Vm' }
        @{ Command = 'Get-GmemCapability'; From = 'backend'; Arguments = @{ Name = 'GuestMemfd' }; Set = 'Host'; Piped = 'Backend' }
        @{ Command = 'Get-GmemEvent'; From = 'vm'; Set = 'Vm'; Piped = 'Vm' }
        @{ Command = 'Get-GmemFile'; From = 'vm'; Set = 'Vm'; Piped = 'Vm' }
        @{ Command = 'Get-GmemFile'; From = 'fileId'; Set = 'Id'; Piped = 'Id' }
        @{ Command = 'Get-GmemVm'; From = 'vmId'; Piped = 'Id' }
        @{ Command = 'Get-Memslot'; From = 'vm'; Piped = 'Vm' }
        @{ Command = 'Get-Memslot'; From = 'vmId'; Piped = 'Vm' }
        @{ Command = 'Remove-Memslot'; From = 'slot'; Piped = 'Memslot' }
        @{ Command = 'Remove-Memslot'; From = 'slotId'; Piped = 'Memslot' }
        @{ Command = 'Close-GmemFile'; From = 'file'; Piped = 'File' }
        @{ Command = 'Close-GmemFile'; From = 'fileId'; Piped = 'File' }
        @{ Command = 'Remove-GmemVm'; From = 'vm'; Piped = 'Vm' }
        @{ Command = 'Remove-GmemVm'; From = 'vmId'; Piped = 'Vm' }
        @{ Command = 'New-GmemFile'; From = 'vm'; Arguments = @{ Size = 2MB }; Set = 'Vm'; Piped = 'Vm' }
        @{ Command = 'New-GmemFile'; From = 'vm'; Arguments = @{ LinkFrom = 'gmem0' }; Set = 'Link'; Piped = 'Vm'; SimulatorOnly = $true }
        @{ Command = 'New-GmemFile'; From = 'backend'; Arguments = @{ Size = 2MB; SystemIoctl = $true; PinModel = 'SlotPinsFile' }; Set = 'System'; Piped = 'Backend'; SimulatorOnly = $true }
        @{ Command = 'New-GmemVm'; From = 'simulatorVm'; Piped = 'Backend', 'Designs', 'Profile', 'Type'; SimulatorOnly = $true }
        @{ Command = 'New-GmemVm'; From = 'backend'; Piped = 'Backend' }
        @{ Command = 'Read-GmemMemory'; From = 'file'; Arguments = @{ Count = 2 }; Piped = 'File' }
        @{ Command = 'Write-GmemMemory'; From = 'file'; Arguments = @{ Value = [byte[]](1) }; Piped = 'File' }
        @{ Command = 'Show-GmemMap'; From = 'vm'; Piped = 'Vm' }
        @{ Command = 'Export-GmemMap'; From = 'vm'; Arguments = @{ Path = 'TestDrive:/map.svg' }; Piped = 'Vm' }
        @{ Command = 'Start-GmemGuestFault'; From = 'vm'; Arguments = @{ Gpa = 0 }; Piped = 'Vm'; SimulatorOnly = $true }
        @{ Command = 'Complete-GmemGuestFault'; From = 'fault'; Piped = 'Fault'; SimulatorOnly = $true }
        @{ Command = 'New-GmemMemfd'; From = 'backend'; Arguments = @{ Size = 2MB }; Piped = 'Backend'; SimulatorOnly = $true }
        @{ Command = 'Add-GmemMemfdSeal'; From = 'memfd'; Piped = 'Memfd'; SimulatorOnly = $true }
        @{ Command = 'Write-GmemMemfd'; From = 'memfd'; Arguments = @{ Value = [byte[]](1) }; Piped = 'Memfd'; SimulatorOnly = $true }
        @{ Command = 'Set-GmemMemfdSize'; From = 'memfd'; Arguments = @{ Size = 4KB }; Piped = 'Memfd'; SimulatorOnly = $true }
        @{ Command = 'New-GmemKvmVfioDevice'; From = 'vm'; Piped = 'Vm'; SimulatorOnly = $true }
        @{ Command = 'New-GmemVfioDevice'; From = 'kvmVfio'; Set = 'KvmVfio'; Piped = 'KvmVfioDevice'; SimulatorOnly = $true }
        @{ Command = 'New-GmemVfioDevice'; From = 'vfio'; Set = 'Group'; Piped = 'InGroupOf'; SimulatorOnly = $true }
        @{ Command = 'Close-GmemVfioDevice'; From = 'vfio'; Piped = 'Device'; SimulatorOnly = $true }
        @{ Command = 'Close-GmemKvmVfioDevice'; From = 'kvmVfio'; Piped = 'KvmVfioDevice'; SimulatorOnly = $true }
        @{ Command = 'Invoke-GmemWorkQueue'; From = 'backend'; Piped = 'Backend'; SimulatorOnly = $true }
        @{ Command = 'Test-GmemKvmModuleUnload'; From = 'backend'; Piped = 'Backend'; SimulatorOnly = $true }
        @{ Command = 'Export-GmemScenario'; From = 'scenarioPath'; Piped = 'Path' }
        @{ Command = 'Invoke-GmemScenario'; From = 'scenarioItem'; Piped = 'Path' }
        @{ Command = 'Compare-GmemScenario'; From = 'scenarioItem'; Piped = 'Path'; SimulatorOnly = $true }
    ) | ForEach-Object {
        # Every row has every key, so the tests can read them under Set-StrictMode.
        foreach ($key in 'Arguments', 'Set', 'Values', 'SimulatorOnly') { if (-not $_.ContainsKey($key)) { $_[$key] = $null } }
        $_
    }
}

foreach ($case in $backendCases) {
    Describe "Parameter binding on the $($case.Backend) backend" -Tag $case.Backend -Skip:$case.Skip -ForEach @($case) {
        BeforeAll {
            Import-Module -Name $ModulePath -ErrorAction Stop
            Import-Module -Name (Join-Path $PSScriptRoot 'GmemPS.ShouldOperators.psm1') -Force -ErrorAction Stop
            $pwsh = Join-Path $PSHOME 'pwsh'
            $module = (Get-Module GmemPS).Path

            # What PowerShell's binder did for one command of a script block: the parameters it bound from the
            # command line and from the (first) piped object, with the values they got, and the parameter sets
            # that hold every bound parameter and have all their mandatory ones bound (the trace names no set; the
            # bound parameters decide it).
            function Get-Binding([string] $Command, [scriptblock] $Expression) {
                $trace = Join-Path $TestDrive "binding-$([guid]::NewGuid()).txt"
                $null = Trace-Command -Name ParameterBinding -FilePath $trace -Expression $Expression
                $bound = [ordered]@{}
                $piped = [System.Collections.Generic.List[string]]::new()
                $section = ''
                $pipelineSections = 0
                foreach ($line in Get-Content -LiteralPath $trace) {
                    if ($line -match 'BIND (NAMED|POSITIONAL) cmd line args \[(?<command>[^\]]+)\]') { $section = if ($Matches.command -eq $Command) { 'line' } else { '' } }
                    elseif ($line -match 'BIND PIPELINE object to parameters: \[(?<command>[^\]]+)\]') {
                        $section = if ($Matches.command -eq $Command -and $pipelineSections++ -eq 0) { 'pipe' } else { '' }
                    }
                    elseif ($line -match 'MANDATORY PARAMETER CHECK|CALLING ') { $section = '' }
                    elseif ($section -and $line -match 'BIND arg \[(?<value>.*)\] to param \[(?<name>\w+)\] SUCCESSFUL') {
                        $bound[$Matches.name] = $Matches.value
                        if ($section -eq 'pipe') { $piped.Add($Matches.name) }
                    }
                }
                $names = @($bound.Keys | Where-Object { $_ -notin 'WhatIf', 'Confirm', 'ErrorAction' })
                $sets = @((Get-Command $Command).ParameterSets | Where-Object {
                        $inSet = @($_.Parameters.Name)
                        $mandatory = @($_.Parameters | Where-Object IsMandatory | ForEach-Object Name)
                        @($names | Where-Object { $_ -notin $inSet }).Count -eq 0 -and @($mandatory | Where-Object { $_ -notin $names }).Count -eq 0
                    } | ForEach-Object Name)
                [pscustomobject]@{ Bound = $bound; Piped = @($piped | Sort-Object); Sets = $sets }
            }

            # A fresh pwsh -NonInteractive that imports the module and runs the script: its output and exit code.
            function Invoke-FreshShell([string] $Script) {
                $text = "`$ErrorActionPreference = 'Stop'; Set-StrictMode -Version Latest; Import-Module '$module'; $Script"
                $output = & $pwsh -NoProfile -NonInteractive -Command $text 2>&1 | ForEach-Object { "$_" }
                [pscustomobject]@{ Output = ($output -join "`n"); ExitCode = $LASTEXITCODE }
            }
        }

        BeforeEach {
            [GmemPS.Infrastructure.GmemSession]::Reset()
            Set-StrictMode -Version Latest
            $objects = @{}
            $objects.backend = [GmemPS.Lab.BackendKind]$Backend
            $objects.vm = New-GmemVm -Backend $Backend
            $objects.vmId = 'vm0'
            $objects.file = $objects.vm | New-GmemFile -Size 4MB -Mmap -InitShared
            $objects.fileId = 'gmem0'
            $objects.slot = $objects.file | Add-Memslot -Gpa 0 -Size 2MB -Offset 1MB -PassThru
            $objects.slotId = 'vm0/slot0'
            $objects.scenarioPath = Join-Path $TestDrive 'binding.json'
            $null = Export-GmemScenario -Path $objects.scenarioPath
            $objects.scenarioItem = Get-Item -LiteralPath $objects.scenarioPath
            if ($Backend -eq 'Simulator') {
                $objects.simulatorVm = New-GmemVm -PinModel SlotPinsFile
                $objects.pageState = @(Get-GmemPageState $objects.file)[0]
                $objects.reference = $objects.file | New-GmemHostReference -Offset 0x4000
                $objects.memfd = New-GmemMemfd -Size 2MB
                $sealedVm = New-GmemVm -PrivateBacking SealedMemfd
                $sealed = New-GmemMemfd -Size 2MB
                $sealed | Add-GmemMemfdSeal
                $null = $sealed | Add-Memslot -IntoVm $sealedVm -Gpa 0 -PassThru
                $objects.fault = $sealedVm | Start-GmemGuestFault -Gpa 0x1000
                $objects.kvmVfio = $objects.vm | New-GmemKvmVfioDevice
                $objects.vfio = $objects.kvmVfio | New-GmemVfioDevice
            }
        }

        Context 'every cmdlet binds each object piped into it to what the object is' {
            It '<From> | <Command>: set <Set>, binds <Piped>' -ForEach @($pipeCases | Where-Object { $case.Backend -eq 'Simulator' -or -not $_['SimulatorOnly'] }) {
                $in = $objects[$From]
                $arguments = if ($null -ne $Arguments) { $Arguments.Clone() } else { @{} }
                if ((Get-Command $Command).Parameters.ContainsKey('WhatIf')) { $arguments.WhatIf = $true }
                $binding = Get-Binding $Command { $in | & $Command @arguments -ErrorAction SilentlyContinue }
                $binding.Piped | Should -Be @($Piped | Sort-Object) -Because "the piped $From must bind exactly these parameters of $Command"
                if ($null -ne $Set) { $binding.Sets | Should -Be @($Set) }
                if ($null -ne $Values) {
                    foreach ($name in $Values.Keys) { $binding.Bound[$name] | Should -Be $Values[$name] -Because "-$name" }
                }
            }
        }

        Context 'numeric parameters take the literals users type' {
            It 'an address above 0x80000000 (a negative Int32 literal) is its unsigned value: -Gpa 0xC0000000' {
                $slot = $objects.vm | Add-Memslot -Gpa 0xC0000000 -Size 2MB -PassThru
                $slot.Gpa | Should -Be ([ulong] 3221225472)
            }

            It 'an address at or above 2^63 (a negative Int64 literal) is its unsigned value' {
                (Get-Binding 'Add-Memslot' { Add-Memslot -Vm vm0 -Gpa 0x8000000000000000 -Size 2MB -WhatIf }).Bound['Gpa'] |
                    Should -Be '9223372036854775808'
                (Get-Binding 'Add-Memslot' { Add-Memslot -Vm vm0 -Gpa 0xFFFFFFFFFFFFF000 -Size 2MB -WhatIf }).Bound['Gpa'] |
                    Should -Be '18446744073709547520'
            }

            It 'strings and size suffixes: -Gpa ''0xC0000000'' -Size ''2MB'', -Size ''4096''' {
                $slot = Add-Memslot -Vm $objects.vm -Gpa '0xC0000000' -Size '2MB' -PassThru
                $slot.Gpa | Should -Be ([ulong] 0xC0000000L)
                $slot.Size | Should -Be ([ulong] 2MB)
                (Get-Binding 'New-GmemFile' { New-GmemFile -Vm vm0 -Size '4096' -WhatIf }).Bound['Size'] | Should -Be '4096'
            }

            It 'a hex literal typed into a signed loff_t parameter is its unsigned value; a typed -1 stays -1' {
                (Get-Binding 'Add-GmemRange' { Add-GmemRange -File gmem0 -Offset 0xFFFFFFFF -Length 4KB -WhatIf }).Bound['Offset'] |
                    Should -Be '4294967295'
                (Get-Binding 'Add-GmemRange' { Add-GmemRange -File gmem0 -Offset 0 -Length -1 -WhatIf }).Bound['Length'] | Should -Be '-1'
            }

            It 'a negative length reaches the kernel (fallocate answers EINVAL)' {
                $objects.file | Add-GmemRange -Offset 0 -Length -1 -ErrorVariable err -ErrorAction SilentlyContinue
                $err | Should -BeGmemRefusal -Errno EINVAL
            }

            It 'a value in a variable has lost its spelling: a negative Int32 is its bit pattern for an unsigned parameter' {
                $gpa = 0xC0000000
                $gpa | Should -BeOfType ([int])
                (Add-Memslot -Vm $objects.vm -Gpa $gpa -Size 2MB -PassThru).Gpa | Should -Be ([ulong] 3221225472)
            }

            It 'refuses <Text> for -<Parameter> with an error naming the parameter' -ForEach @(
                @{ Parameter = 'Gpa'; Text = '1.5'; Value = 1.5 }
                @{ Parameter = 'Gpa'; Text = "'0x1.8'"; Value = '0x1.8' }
                @{ Parameter = 'Slot'; Text = '0x100000000'; Value = 0x100000000 }
                @{ Parameter = 'Gpa'; Text = '-1'; Value = '-1' }
            ) {
                $arguments = @{ Vm = 'vm0'; Gpa = 0; Size = 2MB }
                $arguments[$Parameter] = $Value
                { Add-Memslot @arguments -ErrorAction Stop } | Should -Throw "*parameter '$Parameter'*"
                @(Get-Memslot -Vm vm0) | Should -HaveCount 1
            }

            It 'New-GmemFile -Flags <Text>: the raw bit reaches the kernel, which answers EINVAL' -ForEach @(
                @{ Text = '4'; Flags = 4 }
                @{ Text = '0x8000000000000000 (a negative Int64)'; Flags = 0x8000000000000000 }
                @{ Text = '''0x10'''; Flags = '0x10' }
            ) {
                $objects.vm | New-GmemFile -Size 2MB -Flags $Flags -ErrorVariable err -ErrorAction SilentlyContinue
                $err | Should -BeGmemRefusal -Errno EINVAL
                @(Get-GmemFile -Vm $objects.vm) | Should -HaveCount 1
            }

            It 'New-GmemFile -Flags Mmap, 3 and ''Mmap,InitShared'' create files with those flags' {
                ($objects.vm | New-GmemFile -Size 2MB -Flags Mmap).Flags | Should -Be ([GmemPS.Kernel.GuestMemfdFlags]::Mmap)
                "$(($objects.vm | New-GmemFile -Size 2MB -Flags 3).Flags)" | Should -Be 'Mmap, InitShared'
                "$(($objects.vm | New-GmemFile -Size 2MB -Flags 'Mmap,InitShared').Flags)" | Should -Be 'Mmap, InitShared'
            }

            It 'every numeric parameter of every exported cmdlet carries the shared transformation' {
                $numeric = [System.Collections.Generic.List[string]]::new()
                $missing = [System.Collections.Generic.List[string]]::new()
                $integral = [sbyte], [short], [ushort], [int], [uint], [long], [ulong]
                $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
                foreach ($command in Get-Command -Module GmemPS -CommandType Cmdlet) {
                    foreach ($parameter in $command.Parameters.Values | Where-Object Name -NotIn $common) {
                        $type = $parameter.ParameterType
                        if ($type.IsArray) { $type = $type.GetElementType() }
                        # Bytes are data (-Value, -Write), not numbers a user spells as addresses or sizes.
                        $isNumber = $type -in $integral -or ($type.IsEnum -and $type.IsDefined([System.FlagsAttribute], $false))
                        if (-not $isNumber) { continue }
                        $numeric.Add("$($command.Name) -$($parameter.Name)")
                        if (-not @($parameter.Attributes | Where-Object { $_ -is [GmemPS.Infrastructure.NumericLiteralTransformationAttribute] })) {
                            $missing.Add("$($command.Name) -$($parameter.Name)")
                        }
                    }
                }
                $numeric | Should -Contain 'Add-Memslot -Gpa'
                $numeric | Should -Contain 'New-GmemFile -Flags'
                $numeric | Should -Contain 'Get-Memslot -Slot'
                $missing | Should -BeNullOrEmpty -Because 'a numeric parameter without it refuses 0xC0000000'
            }
        }

        Context 'piped objects land in their own parameter set' {
            It '$vm | Add-Memslot -Gpa 0 -Size 2MB binds anonymous memory' {
                $slot = $objects.vm | Add-Memslot -Gpa 4GB -Size 2MB -PassThru -ErrorAction Stop
                $slot.File | Should -BeNullOrEmpty
                $slot.Size | Should -Be 2MB
            }

            # Simulator only (not generated on Kvm): the objects it binds are the simulator's designs.
            if ($Backend -eq 'Simulator') {
                It '$memfd | Add-Memslot -IntoVm $vm binds the sealed memfd' {
                    $vm = New-GmemVm -PrivateBacking SealedMemfd
                    $objects.memfd | Add-GmemMemfdSeal
                    $slot = $objects.memfd | Add-Memslot -IntoVm $vm -Gpa 0 -PassThru -ErrorAction Stop
                    $slot.Memfd | Should -Be $objects.memfd
                }
            }

            It '$file | Add-GmemRange -Offset 1MB allocates to the end of the file, not a file-sized length' {
                $objects.file | Add-GmemRange -Offset 1MB -ErrorAction Stop
                $objects.file | Remove-GmemRange -Offset 1MB -ErrorAction Stop
            }

            # Simulator only (not generated on Kvm): the objects it binds are the simulator's designs.
            if ($Backend -eq 'Simulator') {
                It '$file | New-GmemHostReference -Offset 0x4000 takes the documented one page' {
                    ($objects.file | New-GmemHostReference -Offset 0x5000 -ErrorAction Stop).Length | Should -Be 4KB
                }
            }

            # Page states are the simulator's (the Kvm backend runs upstream only); the binding is the cmdlet layer's, above both.
            # Simulator only (not generated on Kvm): the objects it binds are the simulator's designs.
            if ($Backend -eq 'Simulator') {
                It '''gmem0'' | Get-GmemPageState covers the whole file, not the id''s String.Length' {
                    $states = @('gmem0' | Get-GmemPageState -ErrorAction Stop)
                    ($states | Measure-Object -Property Length -Sum).Sum | Should -Be 4MB
                }
            }

            It '$slot | Remove-GmemRange punches exactly the slot''s file range' {
                (Get-Binding 'Remove-GmemRange' { $objects.slot | Remove-GmemRange -WhatIf }).Bound['Length'] | Should -Be '2097152'
            }

            It 'Get-Memslot | Invoke-GuestAccess -Read 8 takes the slot''s gpa and does not prompt' {
                $run = Invoke-FreshShell "`$vm = New-GmemVm -Backend $Backend; `$null = `$vm | New-GmemFile -Size 2MB -Mmap -InitShared | Add-Memslot -Gpa 0x100000 -PassThru; (Get-Memslot | Invoke-GuestAccess -Read 8).Completed"
                $run.Output | Should -Be 'True'
                $run.ExitCode | Should -Be 0
            }

            It 'Invoke-GuestAccess -Read -WhatIf does not run the vCPU' {
                $before = @(Get-GmemEvent -Vm $objects.vm).Count
                $result = Invoke-GuestAccess -Vm $objects.vm -Gpa 0 -Read 8 -WhatIf
                $result | Should -BeNullOrEmpty
                @(Get-GmemEvent -Vm $objects.vm).Count | Should -Be $before
            }
        }

        Context 'confirmation and unknown ids' {
            It 'no cmdlet asks with High impact: Remove-GmemRange runs under pwsh -NonInteractive without -Confirm' {
                $run = Invoke-FreshShell "`$f = New-GmemVm -Backend $Backend | New-GmemFile -Size 2MB; `$f | Add-GmemRange; `$f | Remove-GmemRange -Offset 0 -Length 4KB; 'punched'"
                $run.Output | Should -Be 'punched'
                $run.ExitCode | Should -Be 0
                $high = @(Get-Command -Module GmemPS -CommandType Cmdlet | Where-Object {
                        $attribute = $_.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
                        $attribute.ConfirmImpact -eq 'High'
                    })
                $high | Should -BeNullOrEmpty
            }

            It '<Line> is the lab''s GmemObjectNotFound' -ForEach @(
                @{ Line = 'Close-GmemFile gmem9'; Script = { Close-GmemFile gmem9 } }
                @{ Line = 'Close-GmemFile gmem0, gmem9 (closes nothing)'; Script = { Close-GmemFile gmem0, gmem9 } }
                @{ Line = 'New-GmemFile -Vm vm7 -Size 2MB'; Script = { New-GmemFile -Vm vm7 -Size 2MB } }
                @{ Line = 'Get-Memslot -Vm vm7'; Script = { Get-Memslot -Vm vm7 } }
                @{ Line = 'Remove-Memslot vm0/slot9'; Script = { Remove-Memslot vm0/slot9 } }
                @{ Line = 'Add-GmemRange -File gmem9'; Script = { Add-GmemRange -File gmem9 } }
                @{ Line = 'Invoke-GuestAccess -Vm vm7 -Gpa 0 -Read 8'; Script = { Invoke-GuestAccess -Vm vm7 -Gpa 0 -Read 8 } }
            ) {
                $Script | Should -Throw -ErrorId 'GmemObjectNotFound,GmemPS.Commands.*'
                $objects.file.State | Should -Be 'Open'
            }

            It 'Close-GmemFile -File $null is GmemObjectNotFound' {
                { Close-GmemFile -File $null } | Should -Throw -ErrorId 'GmemObjectNotFound,GmemPS.Commands.CloseGmemFileCommand'
            }

            It 'an unknown id an input lends (<Line>) stays that input''s binding error, and nothing runs with a null' -ForEach @(
                @{ Line = "'gmem9' | Close-GmemFile"; Script = { 'gmem9' | Close-GmemFile -ErrorAction Stop } }
                @{ Line = '$null | Close-GmemFile'; Script = { $null | Close-GmemFile -ErrorAction Stop } }
                @{ Line = "[pscustomobject]@{ File = 'gmem9'; Offset = 0; Length = 4KB } | Remove-GmemRange"
                    Script = { [pscustomobject]@{ File = 'gmem9'; Offset = 0; Length = 4KB } | Remove-GmemRange -ErrorAction Stop } }
            ) {
                $Script | Should -Throw -ErrorId 'ParameterArgumentTransformationError,GmemPS.Commands.*'
                $objects.file.State | Should -Be 'Open'
            }
        }
    }
}
