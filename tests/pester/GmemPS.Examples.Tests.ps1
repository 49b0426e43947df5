# Every script in examples/ is run as a user runs it: in a fresh `pwsh -NoProfile`, under
# Set-StrictMode -Version Latest, on the Simulator and, where it takes -Backend, on the Kvm backend. A script
# checks its own claims and throws when one does not hold, so a failing claim fails its test here.
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/GmemPS')
)

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'GmemPS.BackendCases.ps1')
    $exampleCases = foreach ($script in Get-ChildItem -LiteralPath (Join-Path $PSScriptRoot '../../examples') -Filter '*.ps1') {
        if ($script.Name -eq 'ExampleSupport.ps1') { continue }
        $takesBackend = (Get-Command -Name $script.FullName).Parameters.ContainsKey('Backend')
        foreach ($case in $backendCases) {
            if (-not $takesBackend -and $case.Backend -ne 'Simulator') { continue }
            @{ Name = $script.Name; Path = $script.FullName; Backend = $case.Backend; TakesBackend = $takesBackend; Unavailable = $case.Skip }
        }
    }
}

Describe 'examples/<Name> on <Backend>' -ForEach $exampleCases -Tag 'Examples' {
    BeforeAll {
        # The pwsh running this suite (the project's own, restored by build/restore-shell.sh).
        $pwsh = Join-Path $PSHOME 'pwsh'
    }

    It 'runs clean in a fresh pwsh under Set-StrictMode -Version Latest' -Tag $Backend -Skip:$Unavailable {
        $backendArgument = if ($TakesBackend) { "-Backend $Backend" } else { '' }
        $command = "Set-StrictMode -Version Latest; `$ErrorActionPreference = 'Stop'; & '$Path' $backendArgument"
        $output = & $pwsh -NoProfile -NonInteractive -Command $command 2>&1
        $exitCode = $LASTEXITCODE
        $text = ($output | Out-String)
        if ($exitCode -ne 0) { Write-Host $text }
        $exitCode | Should -Be 0 -Because "examples/$Name -Backend $Backend must finish clean; it printed:`n$text"
        $text | Should -Match 'claims hold' -Because 'each example ends by checking its claims'
    }
}

Describe 'the README''s tour on <Backend>' -ForEach $backendCases -Tag 'Examples' {
    It 'runs clean in a fresh pwsh under Set-StrictMode -Version Latest' -Tag $Backend -Skip:$Skip {
        # The first powershell block of README.md, as a user pastes it (New-GmemVm's -Backend preset for this case).
        $readme = Get-Content -LiteralPath (Join-Path $PSScriptRoot '../../README.md') -Raw
        $tour = [regex]::Match($readme, '(?s)```powershell\r?\n(.*?)```').Groups[1].Value
        $tour | Should -Match 'Import-Module ./out/GmemPS'
        $module = (Resolve-Path -LiteralPath $ModulePath).ProviderPath
        $code = $tour.Replace('Import-Module ./out/GmemPS', "Import-Module '$module'")
        $command = "Set-StrictMode -Version Latest; `$ErrorActionPreference = 'Stop'; `$PSDefaultParameterValues['New-GmemVm:Backend'] = '$Backend'`n$code"
        $output = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command $command 2>&1
        $text = $output | Out-String
        $LASTEXITCODE | Should -Be 0 -Because "the README's tour must run on $Backend; it printed:`n$text"
        $text | Should -Match '01 02 03' -Because 'the guest reads what the host wrote'
        $text | Should -Match 'gmem0\s+\[0x0, 0x200000\)' -Because 'the map shows the slot'
    }
}
