# Every example of the help that ships (the built module's MAML, read back through Get-Help) and every code line
# of about_GmemPS runs as its own test, in a fresh runspace, on the Simulator and on the Kvm backend:
#   - the runspace has the module imported, Set-StrictMode -Version Latest and $ErrorActionPreference = 'Stop';
#   - its current directory is a folder of its own (examples write ./map.svg, ./bind.json);
#   - the backend is chosen with $PSDefaultParameterValues['New-GmemVm:Backend'], so an example's VMs - and the
#     files, slots and pages made through them - live on that backend. Cmdlets about a whole host default to
#     the Simulator, as their help says, so examples of those are listed below as Simulator only;
#   - its host is the runspace's default host, which cannot prompt: an example that would ask for confirmation
#     fails with an error saying so instead of hanging (no example sets $ConfirmPreference for the user);
#   - the session is reset before and after, so ids start at vm0 and gmem0, as a reader of the help expects.
# The test fails on any error record (a non-empty error stream or an exception) of the preamble or the example.
# Where an example needs objects made before it, $preambles declares them, with the reason; $onlyOn says why
# an example runs on one backend (the test's name says it too); $pending lists what fails on a known module
# defect, each with the error it gives until the fix is merged.
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/GmemPS')
)

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'GmemPS.BackendCases.ps1')
    Import-Module -Name $ModulePath -ErrorAction Stop

    # What examples assume exists before them, named by what they leave (most examples make their own objects in
    # their first lines; these show what a session of vm0, gmem0 ... can do, or go on from an earlier example).
    $vm = 'New-GmemVm'
    $file = 'New-GmemVm | New-GmemFile -Size 4MB -Mmap -InitShared'
    $slots = $file, 'Add-Memslot -File gmem0 -Gpa 0 -Size 2MB', 'Add-Memslot -File gmem0 -Gpa 4GB -Offset 2MB -Size 2MB -Slot 1'
    $privateVm = 'New-GmemVm -Profile SwProtected -Type 1 | New-GmemFile -Size 4MB | Add-Memslot -Gpa 0'
    $recorded = 'New-GmemVm | New-GmemFile -Size 2MB -Mmap -InitShared | Add-Memslot -Gpa 0'
    $bindJson = $recorded, 'Export-GmemScenario -Path ./bind.json'
    $memfd = '$memfd = New-GmemMemfd -Size 2MB'
    $sealedVm = '$vm = New-GmemVm -PrivateBacking SealedMemfd -OwnerCheck VmList', $memfd, '$memfd | Add-GmemMemfdSeal'
    # -Memfd by name: piping the memfd is Add-Memslot example 5, pending below.
    $sealedBound = $sealedVm + 'Add-Memslot -Memfd $memfd -IntoVm $vm -Gpa 0'
    $conversionFile = '$file = New-GmemVm -ConversionModel GmemAttributes2 | New-GmemFile -Size 2MB -Mmap -InitShared'
    $folioFile = '$file = New-GmemVm -ConversionModel FolioCallback | New-GmemFile -Size 2MB -Mmap -InitShared'
    $vfioVm = '$vm = New-GmemVm -VfioRefPolicy DriverTakes -KvmVfioCleanup Destroy'
    $kvmVfio = $vfioVm, '$kv = $vm | New-GmemKvmVfioDevice'
    $vfioDevice = $kvmVfio + '$dev = $kv | New-GmemVfioDevice'

    $preambles = @{
        'Add-GmemRange/2'            = @{ Code = $file; Why = 'gmem0, a 4 MiB file' }
        'Add-Memslot/2'              = @{ Code = $file; Why = 'gmem0, a 4 MiB file' }
        'Add-Memslot/3'              = @{ Code = $vm; Why = 'vm0' }
        'Add-Memslot/4'              = @{ Code = '$vm0 = New-GmemVm -PinModel SlotPinsFile', '$vm0 | New-GmemFile -Size 2MB', '$vm0 | New-GmemVm'; Why = 'vm0 with gmem0 and vm1, both SlotPinsFile, as the remarks describe' }
        'Add-Memslot/5'              = @{ Code = $sealedVm; Why = '$vm (New-GmemVm example 7) and $memfd, sealed (Add-GmemMemfdSeal example 1)' }
        'Close-GmemFile/1'           = @{ Code = $file; Why = 'an open file to close' }
        'Close-GmemFile/2'           = @{ Code = $file; Why = 'gmem0' }
        'Close-GmemKvmVfioDevice/1'  = @{ Code = $kvmVfio; Why = '$kv (New-GmemKvmVfioDevice example 1)' }
        'Close-GmemVfioDevice/1'     = @{ Code = $vfioDevice; Why = '$dev (New-GmemVfioDevice example 1)' }
        'Compare-GmemScenario/1'     = @{ Code = $bindJson; Why = './bind.json (Export-GmemScenario example 1)' }
        'Compare-GmemScenario/2'     = @{ Code = $bindJson; Why = './bind.json (Export-GmemScenario example 1)' }
        'Complete-GmemGuestFault/1'  = @{ Code = $sealedBound + '$fault = $vm | Start-GmemGuestFault -Gpa 0x5000'; Why = '$fault, a started fault (Start-GmemGuestFault example 1)' }
        'Convert-GmemFileRange/2'    = @{ Code = $conversionFile, '$file | Convert-GmemFileRange -Offset 0x3000 -Length 4KB -To Private'; Why = '$file with a private page, as Convert-GmemFileRange example 1 leaves it' }
        'Export-GmemMap/1'           = @{ Code = $slots; Why = 'a VM with slots to draw' }
        'Export-GmemMap/2'           = @{ Code = $vm; Why = 'vm0' }
        'Export-GmemScenario/2'      = @{ Code = $recorded; Why = 'the session of Export-GmemScenario example 1' }
        'Get-GmemAttribute/1'        = @{ Code = $privateVm; Why = 'vm0, a VM with private memory and a slot' }
        'Get-GmemAttribute/2'        = @{ Code = $privateVm; Why = 'vm0, a VM with private memory and a slot' }
        'Get-GmemEvent/1'            = @{ Code = $recorded; Why = 'a VM with events' }
        'Get-GmemEvent/2'            = @{ Code = $recorded; Why = 'allocations to list' }
        'Get-GmemFile/1'             = @{ Code = $file; Why = 'an open file' }
        'Get-GmemFile/2'             = @{ Code = $file; Why = 'vm0 with a file' }
        'Get-GmemFile/3'             = @{ Code = $file; Why = 'an open file to close' }
        'Get-GmemVm/1'               = @{ Code = $vm; Why = 'an open VM' }
        'Get-GmemVm/2'               = @{ Code = $slots; Why = 'vm0 with slots' }
        'Get-GmemVm/3'               = @{ Code = $slots; Why = 'a VM with slots to draw' }
        'Get-Memslot/1'              = @{ Code = $slots; Why = 'vm0 with slots' }
        'Get-Memslot/2'              = @{ Code = $slots; Why = 'vm0 with slot 1' }
        'Get-Memslot/3'              = @{ Code = $privateVm; Why = 'vm0, a VM with private memory and a slot' }
        'Invoke-GmemScenario/1'      = @{ Code = $bindJson; Why = './bind.json (Export-GmemScenario example 1)' }
        'Invoke-GmemScenario/2'      = @{ Code = $recorded, '$null = New-Item -ItemType Directory ./scenarios', 'Export-GmemScenario -Path ./scenarios/bind.json'; Why = 'a folder ./scenarios with a scenario' }
        'Invoke-GuestAccess/1'       = @{ Code = $slots; Why = 'vm0 with memory at gpa 0x1000' }
        'Invoke-GuestAccess/2'       = @{ Code = $slots; Why = 'vm0 with memory at gpa 0' }
        'Invoke-GuestAccess/3'       = @{ Code = $slots; Why = 'vm0 with memory at gpa 0' }
        'New-GmemFile/2'             = @{ Code = $vm; Why = 'vm0' }
        'New-GmemFile/3'             = @{ Code = $vm; Why = 'vm0' }
        'New-GmemFile/5'             = @{ Code = $file; Why = 'gmem0, a file the host can map' }
        'New-GmemHostReference/2'    = @{ Code = $conversionFile; Why = '$file (New-GmemHostReference example 1)' }
        'New-GmemVfioDevice/1'       = @{ Code = $kvmVfio; Why = '$kv (New-GmemKvmVfioDevice example 1)' }
        'New-GmemVfioDevice/2'       = @{ Code = $vfioDevice; Why = '$dev (New-GmemVfioDevice example 1)' }
        'Read-GmemMemory/2'          = @{ Code = $file; Why = 'gmem0, a file the host can map' }
        'Remove-GmemHostReference/1' = @{ Code = $folioFile, '$pin = $file | New-GmemHostReference -Offset 0x4000'; Why = '$pin (New-GmemHostReference example 1)' }
        'Remove-GmemRange/2'         = @{ Code = $slots; Why = 'vm0 with slot 0' }
        'Remove-GmemVm/1'            = @{ Code = $vm; Why = 'vm0' }
        'Remove-GmemVm/2'            = @{ Code = $vm, $vm; Why = 'vm0 and vm1' }
        'Remove-Memslot/1'           = @{ Code = $slots; Why = 'vm0 with slots' }
        'Remove-Memslot/2'           = @{ Code = $slots; Why = 'vm0 with slot 1' }
        'Set-GmemMemfdSize/1'        = @{ Code = $sealedBound; Why = '$memfd bound into its guest owner (Add-Memslot example 5)' }
        'Set-GmemPrivate/1'          = @{ Code = $privateVm; Why = 'vm0, a VM with private memory and a slot' }
        'Set-GmemPrivate/2'          = @{ Code = $privateVm; Why = 'vm0, a VM with private memory and a slot' }
        'Set-GmemShared/1'           = @{ Code = $privateVm; Why = 'vm0, a VM with private memory and a slot' }
        'Set-GmemShared/2'           = @{ Code = $privateVm; Why = 'vm0, a VM with private memory and a slot' }
        'Show-GmemMap/1'             = @{ Code = $slots; Why = 'a VM with slots to draw' }
        'Show-GmemMap/2'             = @{ Code = $slots; Why = 'vm0 with slots' }
        'Start-GmemGuestFault/1'     = @{ Code = $sealedBound; Why = '$vm and its $memfd bound at gpa 0 (Add-Memslot example 5)' }
        'Write-GmemMemory/1'         = @{ Code = $file; Why = 'gmem0, a file the host can map' }
        'Write-GmemMemory/2'         = @{ Code = $file; Why = 'gmem0, a file the host can map' }
    }

    # about_GmemPS lines are keyed "about_GmemPS/<SECTION>/<line>" (the line's number in its section).
    $preambles += @{
        'about_GmemPS/PIPELINES/3'                              = @{ Code = $slots; Why = 'vm0 with slots' }
        'about_GmemPS/PIPELINES/4'                              = @{ Code = $privateVm; Why = 'vm0, a VM with private memory and a slot' }
        'about_GmemPS/PIPELINES/5'                              = @{ Code = $file; Why = 'an open file to close' }
        'about_GmemPS/PIPELINES/6'                              = @{ Code = $recorded; Why = 'a VM with events' }
        'about_GmemPS/PIPELINES/7'                              = @{ Code = $slots; Why = 'a VM with slots to draw' }
        'about_GmemPS/ERRORS/1'                                 = @{ Code = $vm; Why = 'vm0' }
        'about_GmemPS/ERRORS/2'                                 = @{ Code = 'Import-Module Pester', $recorded, 'New-GmemFile -Vm vm0 -Size 2MB'; Why = 'Pester, and gmem1 of a VM whose gpa 0 is taken' }
        'about_GmemPS/DESIGNS ARGUED ON THE MAILING LISTS/3'    = @{ Code = $file; Why = 'gmem0, a file the host can map' }
        'about_GmemPS/SCENARIOS: RECORD, REPLAY, COMPARE/1'     = @{ Code = $recorded; Why = 'a session with steps to record' }
    }

    # What runs on one backend only, and why; a key without a number stands for a whole about section. The
    # designs argued on the mailing lists are simulated only: the Kvm backend runs upstream Linux and refuses
    # them (GmemDesignNotOnKvm).
    $design = 'a design argued on the mailing lists (GmemDesignNotOnKvm on Kvm)'
    $simulatedHost = 'documents the default simulated host'
    $swProtected = 'needs private memory: the SwProtected simulator profile (this kernel has no KVM_SET_MEMORY_ATTRIBUTES on the default VM type)'
    $namesKvm = 'names -Backend Kvm itself'
    $lockStep = 'runs the simulator and /dev/kvm in lock-step'
    $onlyOn = @{ Simulator = @{}; Kvm = @{} }
    foreach ($key in 'Add-GmemMemfdSeal/1', 'Add-Memslot/4', 'Add-Memslot/5', 'Clear-GmemHostMapping/1',
        'Close-GmemKvmVfioDevice/1', 'Close-GmemVfioDevice/1', 'Complete-GmemGuestFault/1', 'Convert-GmemFileRange/1',
        'Convert-GmemFileRange/2', 'Get-GmemPageState/1', 'Invoke-GmemWorkQueue/1', 'New-GmemFile/4', 'New-GmemFile/5',
        'New-GmemHostReference/1', 'New-GmemHostReference/2', 'New-GmemKvmVfioDevice/1', 'New-GmemMemfd/1',
        'New-GmemVfioDevice/1', 'New-GmemVfioDevice/2', 'New-GmemVm/4', 'New-GmemVm/5', 'New-GmemVm/6', 'New-GmemVm/7',
        'New-GmemVm/8', 'Remove-GmemHostReference/1', 'Set-GmemMemfdSize/1', 'Start-GmemGuestFault/1',
        'Test-GmemKvmModuleUnload/1', 'Write-GmemMemfd/1', 'Get-GmemGuestFault/1', 'Get-GmemHostReference/1',
        'Get-GmemKvmVfioDevice/1', 'Get-GmemVfioDevice/1', 'about_GmemPS/DESIGNS ARGUED ON THE MAILING LISTS') {
        $onlyOn.Simulator[$key] = $design
    }
    foreach ($key in 'Get-GmemCapability/3', 'New-GmemVm/2', 'Get-GmemAttribute/1', 'Get-GmemAttribute/2', 'Get-Memslot/3',
        'Set-GmemPrivate/1', 'Set-GmemPrivate/2', 'Set-GmemShared/1', 'Set-GmemShared/2', 'about_GmemPS/PIPELINES/4') {
        $onlyOn.Simulator[$key] = $swProtected
    }
    $onlyOn.Simulator['Get-GmemCapability/1'] = $simulatedHost
    $onlyOn.Simulator['Get-GmemEvent/2'] = $simulatedHost
    $onlyOn.Simulator['Invoke-GmemScenario/2'] = 'documents a replay on the simulator'
    foreach ($key in 'Get-GmemCapability/2', 'Invoke-GmemScenario/1', 'New-GmemVm/3', 'about_GmemPS/SCENARIOS: RECORD, REPLAY, COMPARE/2') {
        $onlyOn.Kvm[$key] = $namesKvm
    }
    foreach ($key in 'Compare-GmemScenario/1', 'Compare-GmemScenario/2', 'about_GmemPS/SCENARIOS: RECORD, REPLAY, COMPARE/3') {
        $onlyOn.Kvm[$key] = $lockStep
    }

    # What fails on a known module defect: the help shows the documented behaviour and is kept. The test
    # expects exactly that failure (skipped, with the reason) and fails once the code runs clean, so the entry
    # is removed when the fix is merged.
    # (Empty now: every example runs clean. An entry is @{ ErrorId = '<id it fails with>'; Because = '<the defect>' }.)
    $pending = @{}

    function New-CodeCase {
        # One test's data: the code, what runs before it and why, and where and how it is expected to run.
        param([string] $Key, [string] $Name, [string] $Code, [string[]] $Before = @(), [string] $Section = '',
            [string] $ExpectedErrorId = '', [string] $ExpectedKvmErrorId = '')
        $preamble = $preambles[$Key]
        $backend = foreach ($b in 'Simulator', 'Kvm') {
            $because = $onlyOn[$b][$Key] ?? $(if ($Section) { $onlyOn[$b][$Section] })
            if ($because) { @{ On = $b; Because = $because } }
        }
        @{
            Key = $Key
            Name = if ($backend) { "$Name [$($backend.On) only: $($backend.Because)]" } else { $Name }
            Code = $Code
            Preamble = @($Before) + @(if ($preamble) { $preamble.Code })
            PreambleWhy = if ($preamble) { $preamble.Why } elseif ($Before) { 'the earlier lines of its block' } else { '' }
            Pending = $pending[$Key]
            ExpectedErrorId = $ExpectedErrorId
            ExpectedKvmErrorId = if ($ExpectedKvmErrorId) { $ExpectedKvmErrorId } else { $ExpectedErrorId }
            OnlyOn = if ($backend) { $backend.On } else { '' }
        }
    }

    function ConvertTo-ExampleCode([string] $Text) {
        # MAML example code is a console transcript: the lines after the prompt are what the user types.
        $lines = foreach ($line in $Text -split "\r?\n") {
            if ($line -match '^PS> ?(.*)$') { $Matches[1] }
        }
        return ($lines -join [Environment]::NewLine)
    }

    function Get-ExampleTitle($Example, [int] $Number) {
        $title = ($Example.title -replace '-{2,}', '' -replace "Example $Number\s*:?", '').Trim()
        if ($title) { return $title }
        # The shipped titles are only "Example N": the first sentence of the remarks says what it does.
        $remarks = (@($Example.remarks) | ForEach-Object Text | Where-Object { $_ }) -join ' '
        return ($remarks -split '(?<=\.)\s', 2)[0].Trim()
    }

    $cmdletHelp = foreach ($command in Get-Command -Module GmemPS -CommandType Cmdlet | Sort-Object Name) {
        $help = Get-Help -Name $command.Name -Full
        $examples = if ($help.PSObject.Properties['examples'] -and $help.examples) { @($help.examples.example) } else { @() }
        @{ Name = $command.Name; Examples = $examples; Codes = @($examples | ForEach-Object { ConvertTo-ExampleCode $_.code }) }
    }

    $helpExamples = foreach ($command in $cmdletHelp) {
        for ($number = 1; $number -le $command.Examples.Count; $number++) {
            $title = Get-ExampleTitle $command.Examples[$number - 1] $number
            New-CodeCase -Key "$($command.Name)/$number" -Name "$($command.Name) example ${number}: $title" -Code $command.Codes[$number - 1]
        }
    }

    # about_GmemPS: a code line is indented 8 spaces and a line indented further continues it. A blank line ends
    # a block of lines that build on each other, so each line runs after the earlier lines of its block. The
    # comment "# FullyQualifiedErrorId: <id>" under a line says the line fails with that error ("# on Kvm:
    # <id>" when the Kvm backend's id differs). The 8-space lines of some sections are output, not code.
    $aboutOutputSections = @('VERBOSE OUTPUT')

    function Get-AboutStatement([string] $Path) {
        $section = ''
        $number = 0
        $block = @()
        $statement = $null
        foreach ($line in Get-Content -LiteralPath $Path) {
            if ($line -match '^[A-Z][A-Z :,-]+$') { $section = $line.Trim(); $number = 0; $block = @(); $statement = $null; continue }
            if ($section -in $aboutOutputSections) { continue }
            if ($line -match '^ {8}# FullyQualifiedErrorId: (\S+)$' -and $statement) { $statement.ExpectedErrorId = $Matches[1]; continue }
            if ($line -match '^ {8}# on Kvm: +(\S+)$' -and $statement) { $statement.ExpectedKvmErrorId = $Matches[1]; continue }
            if ($line -match '^ {8}\S') {
                $number++
                $statement = [pscustomobject]@{ Section = $section; Number = $number; Lines = @($line.Trim()); Before = $block; ExpectedErrorId = ''; ExpectedKvmErrorId = '' }
                $statement
                $block += $statement
            }
            elseif ($line -match '^ {9,}\S' -and $statement) { $statement.Lines += $line.Trim() }
            else { $block = @(); $statement = $null }
        }
    }

    $aboutPath = Join-Path (Split-Path -Parent (Get-Module -Name GmemPS).Path) 'en-US/about_GmemPS.help.txt'
    $aboutLines = foreach ($statement in Get-AboutStatement $aboutPath) {
        $section = "about_GmemPS/$($statement.Section)"
        # Each earlier line of the block runs first, with what it needs.
        $before = foreach ($earlier in $statement.Before) {
            $declared = $preambles["$section/$($earlier.Number)"]
            if ($declared) { $declared.Code }
            $earlier.Lines -join [Environment]::NewLine
        }
        New-CodeCase -Key "$section/$($statement.Number)" -Section $section -Before $before `
            -Name "about_GmemPS $($statement.Section) line $($statement.Number): $($statement.Lines[0])" `
            -Code ($statement.Lines -join [Environment]::NewLine) `
            -ExpectedErrorId $statement.ExpectedErrorId -ExpectedKvmErrorId $statement.ExpectedKvmErrorId
    }

    $exampleBackends = foreach ($case in $backendCases) {
        $runsHere = { -not $_.OnlyOn -or $_.OnlyOn -eq $case.Backend }
        @{
            Backend = $case.Backend
            Unavailable = $case.Skip
            Examples = @($helpExamples | Where-Object $runsHere | ForEach-Object { $_ + @{ Unavailable = $case.Skip } })
            AboutLines = @($aboutLines | Where-Object $runsHere | ForEach-Object { $_ + @{ Unavailable = $case.Skip } })
        }
    }
}

BeforeAll {
    Import-Module -Name $ModulePath -ErrorAction Stop
    $module = (Get-Module -Name GmemPS).Path

    function Invoke-InFreshRunspace {
        <#
        Runs $Preamble and then $Code in a new runspace on $Backend and returns the error records of the first
        step that had any, as "step: FullyQualifiedErrorId: message" strings (none when everything ran clean).
        #>
        param([string] $Backend, [string[]] $Preamble, [string] $Code, [string] $Directory)
        [GmemPS.Infrastructure.GmemSession]::Reset()
        $null = New-Item -ItemType Directory -Path $Directory -Force
        $quote = { param($text) "'" + ($text -replace "'", "''") + "'" }
        $setup = @(
            'Set-StrictMode -Version Latest'
            "`$ErrorActionPreference = 'Stop'"
            "Import-Module -Name $(& $quote $module)"
            "`$PSDefaultParameterValues['New-GmemVm:Backend'] = $(& $quote $Backend)"
            "Set-Location -LiteralPath $(& $quote $Directory)"
        ) -join [Environment]::NewLine
        $steps = @(@{ Step = 'setup'; Script = $setup }) +
            @($Preamble | Where-Object { $_ } | ForEach-Object { @{ Step = "preamble '$_'"; Script = "`$null = $_" } }) +
            @{ Step = 'example'; Script = $Code }
        # The runspace's default host cannot prompt: a confirmation fails the step instead of waiting.
        $runspace = [runspacefactory]::CreateRunspace()
        $shell = [powershell]::Create()
        try {
            $runspace.Open()
            $shell.Runspace = $runspace
            foreach ($step in $steps) {
                $shell.Commands.Clear()
                $shell.Streams.ClearStreams()
                $records = @()
                try {
                    # A script added this way runs in the runspace's global scope, so what a step defines
                    # (variables, strict mode) is there for the next one.
                    $null = $shell.AddScript($step.Script).Invoke()
                    $records = @($shell.Streams.Error)
                }
                catch {
                    $inner = $_.Exception.GetBaseException()
                    $record = if ($inner -is [System.Management.Automation.IContainsErrorRecord]) { $inner.ErrorRecord } else { $_ }
                    $records = @($shell.Streams.Error) + $record
                }
                if ($records.Count -gt 0) {
                    return @($records | ForEach-Object { "$($step.Step): $($_.FullyQualifiedErrorId): $($_.Exception.Message)" })
                }
            }
            return @()
        }
        finally {
            $shell.Dispose()
            $runspace.Dispose()
            [GmemPS.Infrastructure.GmemSession]::Reset()
        }
    }

    function Assert-HelpCodeRuns([string] $Backend, [hashtable] $Case) {
        <# A help example or an about line runs clean, or fails with the error it documents or the known defect. #>
        $directory = Join-Path $TestDrive ($Case.Key -replace '\W+', '-')
        $errors = @(Invoke-InFreshRunspace -Backend $Backend -Preamble $Case.Preamble -Code $Case.Code -Directory $directory)
        $shown = "`n$($errors -join "`n")`nPreamble ($($Case.PreambleWhy)):`n$($Case.Preamble -join "`n")`nCode:`n$($Case.Code)"
        if ($Case.Pending) {
            $errors.Count | Should -BeGreaterThan 0 -Because "it runs clean now: remove its pending entry ($($Case.Pending.Because))"
            ($errors -join "`n") | Should -BeLike "example: $($Case.Pending.ErrorId)*" -Because "it should fail only on the known defect:$shown"
            Set-ItResult -Skipped -Because $Case.Pending.Because
            return
        }
        $expected = if ($Backend -eq 'Kvm') { $Case.ExpectedKvmErrorId } else { $Case.ExpectedErrorId }
        if ($expected) {
            $errors | Should -HaveCount 1 -Because "it documents exactly one error, ${expected}:$shown"
            $errors[0] | Should -BeLike "example: ${expected}: *" -Because "it documents that error:$shown"
            return
        }
        $errors | Should -BeNullOrEmpty -Because "help code must run clean:$shown"
    }
}

Describe 'The help that ships' -Tag Help {
    BeforeAll {
        function Get-ParseError([string] $Code) {
            $parseErrors = $null
            $null = [System.Management.Automation.Language.Parser]::ParseInput($Code, [ref] $null, [ref] $parseErrors)
            return @($parseErrors | ForEach-Object { "$($_.Extent.StartLineNumber):$($_.Extent.StartColumnNumber) $($_.Message)" })
        }
    }

    It '<Name> has an example, and the code of each parses' -ForEach $cmdletHelp {
        $Codes | Should -Not -BeNullOrEmpty -Because "every cmdlet's help shows how it is used"
        $number = 0
        foreach ($code in $Codes) {
            $number++
            $code | Should -Not -BeNullOrEmpty -Because "example $number must have code after the PS> prompt"
            Get-ParseError $code | Should -BeNullOrEmpty -Because "example $number must be valid PowerShell:`n$code"
        }
    }

    It 'about_GmemPS has code lines, and each parses' -ForEach @(@{ Lines = $aboutLines }) {
        $Lines | Should -Not -BeNullOrEmpty
        foreach ($line in $Lines) {
            Get-ParseError $line.Code | Should -BeNullOrEmpty -Because "$($line.Name) must be valid PowerShell"
        }
    }
}

Describe 'What the help says happens, on <Backend>' -ForEach $exampleBackends {
    BeforeEach {
        [GmemPS.Infrastructure.GmemSession]::Reset()
    }

    It 'Read-GmemMemory: a read past the end of the file is GmemArgumentOutOfRange (InvalidArgument)' -Tag $Backend -Skip:$Unavailable {
        $file = New-GmemVm -Backend $Backend | New-GmemFile -Size 2MB -Mmap -InitShared
        foreach ($offset in (2MB - 1), 2MB, 3MB) {
            Read-GmemMemory -File $file -Offset $offset -Count 2 -ErrorAction SilentlyContinue -ErrorVariable err
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be 'GmemArgumentOutOfRange,GmemPS.Commands.ReadGmemMemoryCommand'
            "$($err[0].CategoryInfo.Category)" | Should -Be 'InvalidArgument'
            # The contract's rule, checked once above both backends, says the same on each.
            $err[0].Exception.Message | Should -BeLike 'A host access must lie inside the mapping: *'
        }
    }

    It 'Read-GmemMemory: a page not shared with the host is HostAccessNotShared (EIO, ReadError)' -Tag $Backend -Skip:$Unavailable {
        $file = New-GmemVm -Backend $Backend | New-GmemFile -Size 2MB -Mmap
        Read-GmemMemory -File $file -Offset 0 -Count 1 -ErrorAction SilentlyContinue -ErrorVariable err
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'HostAccessNotShared,GmemPS.Commands.ReadGmemMemoryCommand'
        "$($err[0].CategoryInfo.Category)" | Should -Be 'ReadError'
    }

    It 'Write-GmemMemory: the same refusal is HostAccessNotShared (EIO) reported as a WriteError' -Tag $Backend -Skip:$Unavailable {
        $file = New-GmemVm -Backend $Backend | New-GmemFile -Size 2MB -Mmap
        Write-GmemMemory -File $file -Offset 0 -Value 1 -ErrorAction SilentlyContinue -ErrorVariable err
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -Be 'HostAccessNotShared,GmemPS.Commands.WriteGmemMemoryCommand'
        "$($err[0].CategoryInfo.Category)" | Should -Be 'WriteError'
    }

    AfterAll {
        [GmemPS.Infrastructure.GmemSession]::Reset()
    }
}

Describe 'The help example runner' -Tag Simulator {
    # The runner must be able to fail: each of these is a way an example goes wrong.
    It 'reports <Why>' -ForEach @(
        @{ Why = 'an undefined variable (strict mode)'; Code = '$undefined.Name'; Expected = 'VariableIsUndefined' }
        @{ Why = 'a non-terminating error'; Code = 'Get-GmemVm vm7 -ErrorAction Continue'; Expected = 'GmemObjectNotFound*' }
        @{ Why = 'a terminating error'; Code = 'throw "broken"'; Expected = 'RuntimeException: broken' }
        @{ Why = 'a prompt for confirmation, without waiting'; Code = 'New-GmemVm | Remove-GmemVm -Confirm'; Expected = 'HostFunctionNotImplemented*' }
    ) {
        $errors = Invoke-InFreshRunspace -Backend Simulator -Code $Code -Directory (Join-Path $TestDrive 'runner')
        $errors | Should -Not -BeNullOrEmpty
        ($errors -join "`n") | Should -BeLike "*example: $Expected*"
    }

    It 'reports a preamble that fails, as the preamble' {
        $errors = Invoke-InFreshRunspace -Backend Simulator -Preamble 'Get-GmemFile gmem9' -Code 'Get-GmemVm' -Directory (Join-Path $TestDrive 'runner')
        ($errors -join "`n") | Should -BeLike "preamble 'Get-GmemFile gmem9': GmemObjectNotFound*"
    }

    It 'runs on the backend it is given' {
        $errors = Invoke-InFreshRunspace -Backend Simulator -Code 'if ((New-GmemVm).Backend -ne "Simulator") { throw "wrong backend" }' -Directory (Join-Path $TestDrive 'runner')
        $errors | Should -BeNullOrEmpty
    }
}

Describe 'Help examples on <Backend>' -ForEach $exampleBackends {
    It '<Name>' -ForEach $Examples -Tag $Backend -Skip:$Unavailable {
        Assert-HelpCodeRuns -Backend $Backend -Case $_
    }
}

Describe 'about_GmemPS code on <Backend>' -ForEach $exampleBackends {
    It '<Name>' -ForEach $AboutLines -Tag $Backend -Skip:$Unavailable {
        Assert-HelpCodeRuns -Backend $Backend -Case $_
    }
}
