# Pester 5 tests of the format views (module/GmemPS.format.ps1xml) as an 80-column console shows them: every
# output type is made by the cmdlets on each backend where they run there, and rendered with Out-String -Width 80
# as a table and as a list. A table must fit 80 columns with every header on the header line (a column that does
# not fit stacks its header letter by letter and cuts its cells); a list shows addresses and sizes in hex. One
# more test checks that every view of the file is rendered here. Tags: Simulator, Kvm.
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/GmemPS')
)

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'GmemPS.BackendCases.ps1')
}

BeforeAll {
    Import-Module -Name $ModulePath -ErrorAction Stop
    $PSStyle.OutputRendering = 'PlainText'
    $module = (Get-Module GmemPS).ModuleBase
    [xml] $script:formats = Get-Content -Raw -LiteralPath (Join-Path $module 'GmemPS.format.ps1xml')

    # The views of the file, by the type they select: Table (the header labels) and List (whether one exists).
    $script:views = @{}
    foreach ($view in $script:formats.Configuration.ViewDefinitions.View) {
        $type = $view.ViewSelectedBy.TypeName
        if (-not $script:views.ContainsKey($type)) { $script:views[$type] = @{ Table = $null; List = $false } }
        if ($view.TableControl) { $script:views[$type].Table = @($view.TableControl.TableHeaders.TableColumnHeader | ForEach-Object Label) }
        if ($view.ListControl) { $script:views[$type].List = $true }
    }

    # Properties whose list value is an address, offset or size: shown as 0x..., never as a decimal number.
    $script:numericProperties = 'Gpa', 'End', 'Size', 'Offset', 'Length', 'Address', 'ExitGpa', 'FaultSize', 'UserspaceAddress'

    # Every type rendered by any test of this file, for the last test.
    $script:rendered = [System.Collections.Generic.HashSet[string]]::new()

    function Assert-TableFits([object[]] $Objects, [string] $Type) {
        $labels = $script:views[$Type].Table
        $labels | Should -Not -BeNullOrEmpty -Because "$Type has a table view"
        $text = $Objects | Format-Table | Out-String -Width 80
        $lines = @($text -split "`r?`n" | Where-Object { $_.Trim() })
        foreach ($line in $lines) { $line.TrimEnd().Length | Should -BeLessOrEqual 80 -Because "$Type's table line '$line' must fit 80 columns" }
        # The header line holds every label whole, in order, and the line under it is the rule.
        $pattern = '^\s*' + (($labels | ForEach-Object { [regex]::Escape($_) }) -join '\s+') + '\s*$'
        $lines[0] | Should -Match $pattern -Because "$Type's header line holds every header: '$($lines[0])'"
        $lines[1] | Should -Match '^[-\s]+$'
        $null = $script:rendered.Add($Type)
        return $text
    }

    function Assert-ListShowsHex([object[]] $Objects, [string] $Type) {
        $script:views[$Type].List | Should -BeTrue -Because "$Type has a list view"
        $text = $Objects | Format-List | Out-String -Width 80
        $null = $script:rendered.Add("$Type.List")
        foreach ($line in ($text -split "`r?`n")) {
            $line.TrimEnd().Length | Should -BeLessOrEqual 80 -Because "$Type's list line '$line' must fit 80 columns"
            if ($line -match '^(\w+)\s*:\s*(.*)$' -and $script:numericProperties -contains $Matches[1] -and $Matches[2]) {
                $Matches[2] | Should -Match '^(-?0x[0-9a-f]+|-)' -Because "$Type's $($Matches[1]) is shown in hex"
            }
        }
        return $text
    }

    # A session with one object of every upstream output type, made by the cmdlets on $Backend.
    function New-UpstreamObjects([string] $Backend) {
        [GmemPS.Infrastructure.GmemSession]::Reset()
        $vm = New-GmemVm -Backend $Backend
        $file = $vm | New-GmemFile -Size 2MB -Mmap -InitShared
        $slot = $file | Add-Memslot -Gpa 4GB -PassThru
        $file | Write-GmemMemory -Offset 0x10 -Value 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 -Confirm:$false
        $read = $vm | Invoke-GuestAccess -Gpa (4GB + 0x10) -Read 12
        $mmio = $vm | Invoke-GuestAccess -Gpa 16GB -Read 4
        $closed = $vm | New-GmemFile -Size 4KB
        $closed | Close-GmemFile -Confirm:$false
        $attributes = @(Get-GmemAttribute -Vm $vm -Gpa 4GB -Size 2MB)
        $null = "$TestDrive/views-$Backend.json", "$TestDrive/views-$Backend.ps1" | Export-GmemScenario -Confirm:$false
        @{
            'GmemPS.Lab.LabVm'                   = @($vm)
            'GmemPS.Lab.LabFile'                 = @($file, $closed)
            'GmemPS.Lab.LabMemslot'              = @($slot)
            'GmemPS.Lab.LabPageResidency'        = @(Get-GmemPageResidency -File $file)
            'GmemPS.Lab.LabMapping'              = @([GmemPS.Infrastructure.GmemSession]::Current.Mappings)
            'GmemPS.Lab.AttributeRange'          = $attributes
            'GmemPS.Contract.GuestAccessResult'  = @($read, $mmio)
            'GmemPS.Events.GmemEvent'            = @(Get-GmemEvent -Backend $Backend | Select-Object -Last 3)
            'GmemPS.Lab.GmemCapabilityInfo'      = @(Get-GmemCapability -Backend $Backend | Select-Object -First 3)
            'GmemPS.Scenarios.ScenarioStepResult' = @(Invoke-GmemScenario -Path "$TestDrive/views-$Backend.json" -Backend $Backend)
            'GmemPS.Scenarios.ScenarioScriptSummary' = @(& "$TestDrive/views-$Backend.ps1" -Backend $Backend)
        }
    }
}

foreach ($case in $backendCases) {
    Describe "Views of the upstream output types on the $($case.Backend) backend" -Tag $case.Backend -Skip:$case.Skip -ForEach @($case) {
        BeforeAll {
            $objects = New-UpstreamObjects $Backend
        }

        It 'every table fits 80 columns with every header on the header line' {
            foreach ($type in $objects.Keys) { $null = Assert-TableFits $objects[$type] $type }
        }

        It 'a guest read''s Data shows its bytes, and the verdict columns come first' {
            $text = Assert-TableFits $objects['GmemPS.Contract.GuestAccessResult'] 'GmemPS.Contract.GuestAccessResult'
            $text | Should -Match '01 02 03 04 05 06 07 08'
            $script:views['GmemPS.Contract.GuestAccessResult'].Table[0] | Should -Be 'Completed'
            $script:views['GmemPS.Scenarios.ScenarioStepResult'].Table[0] | Should -Be 'AsExpected'
            $script:views['GmemPS.Scenarios.ScenarioStepComparison'].Table[0] | Should -Be 'Agree'
        }

        It 'every list view fits 80 columns and shows addresses and sizes in hex' {
            foreach ($type in $objects.Keys) {
                if ($script:views[$type].List) { $null = Assert-ListShowsHex $objects[$type] $type }
            }
            $memslot = Assert-ListShowsHex $objects['GmemPS.Lab.LabMemslot'] 'GmemPS.Lab.LabMemslot'
            $memslot | Should -Match 'Gpa\s*:\s*0x100000000\b'
            $memslot | Should -Match 'Size\s*:\s*0x200000 \(2 MiB\)'
        }
    }
}

Describe 'Views of the designs'' output types (Simulator only: the Kvm backend runs upstream)' -Tag Simulator {
    BeforeAll {
        [GmemPS.Infrastructure.GmemSession]::Reset()
        $rfc5 = New-GmemVm -ConversionModel FolioCallback
        $file = $rfc5 | New-GmemFile -Size 2MB -Mmap -InitShared
        $reference = $file | New-GmemHostReference -Offset 0x4000 -Length 4KB
        $sealed = New-GmemVm -PrivateBacking SealedMemfd
        $memfd = New-GmemMemfd -Size 2MB
        $memfd | Add-GmemMemfdSeal
        $null = Add-Memslot -Memfd $memfd -IntoVm $sealed -Gpa 0 -PassThru
        $fault = $sealed | Start-GmemGuestFault -Gpa 0x5000
        $kvmVfio = New-GmemVm | New-GmemKvmVfioDevice
        $device = $kvmVfio | New-GmemVfioDevice
        $objects = @{
            'GmemPS.Lab.LabHostReference' = @($reference)
            'GmemPS.Lab.LabPageState'     = @(Get-GmemPageState -File $file)
            'GmemPS.Lab.LabMemfd'         = @($memfd)
            'GmemPS.Lab.LabGuestFault'    = @($fault)
            'GmemPS.Lab.LabKvmVfioDevice' = @($kvmVfio)
            'GmemPS.Lab.LabVfioDevice'    = @($device)
            'GmemPS.Lab.LabModuleUnload'  = @(Test-GmemKvmModuleUnload)
        }
    }

    It 'every table fits 80 columns with every header on the header line' {
        foreach ($type in $objects.Keys) { $null = Assert-TableFits $objects[$type] $type }
    }

    It 'every list view fits 80 columns and shows addresses and sizes in hex' {
        foreach ($type in $objects.Keys) {
            if ($script:views[$type].List) { $null = Assert-ListShowsHex $objects[$type] $type }
        }
    }
}

Describe 'Views of Compare-GmemScenario' -Tag Kvm -Skip:($backendCases | Where-Object Backend -EQ Kvm).Skip {
    It 'the comparison table fits 80 columns with Agree first' {
        [GmemPS.Infrastructure.GmemSession]::Reset()
        $vm = New-GmemVm -Backend Simulator
        $null = $vm | New-GmemFile -Size 2MB
        $vm | New-GmemFile -Size 4097 -ErrorAction SilentlyContinue
        $null = Export-GmemScenario -Path "$TestDrive/compare.json" -Confirm:$false
        $steps = @(Compare-GmemScenario -Path "$TestDrive/compare.json" -IncludeEqual)
        $null = Assert-TableFits $steps 'GmemPS.Scenarios.ScenarioStepComparison'
    }
}

Describe 'Every view of GmemPS.format.ps1xml' -Tag Simulator {
    It 'is rendered by the tests above' {
        # Pester runs the blocks in file order, so this one comes last; the Kvm blocks may be skipped here, so
        # the views only they render (the comparison) are named.
        $expected = @($script:views.Keys)
        $kvmOnly = @('GmemPS.Scenarios.ScenarioStepComparison')
        foreach ($type in $expected) {
            if ($kvmOnly -contains $type -and -not $script:rendered.Contains($type)) { continue }
            $script:rendered.Contains($type) | Should -BeTrue -Because "the table view of $type must be exercised"
            if ($script:views[$type].List) { $script:rendered.Contains("$type.List") | Should -BeTrue -Because "the list view of $type must be exercised" }
        }
        $expected.Count | Should -BeGreaterThan 15
    }
}
