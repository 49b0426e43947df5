# Pester 5 tests of the module as users install it: build/New-GmemPackage.ps1 (what build/pack.sh runs) packs the
# built module, Install-PSResource installs the package from a local folder repository, and a fresh pwsh imports
# GmemPS by name and runs it on each backend. Every fresh pwsh gets a temporary HOME and XDG folders, so the
# repository registration and the installed module never touch the user's own. Tags: Simulator, Kvm.
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/GmemPS')
)

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'GmemPS.BackendCases.ps1')
}

BeforeAll {
    $script:module = (Resolve-Path -LiteralPath $ModulePath).ProviderPath
    if (Test-Path -LiteralPath $script:module -PathType Leaf) { $script:module = Split-Path -Parent $script:module }
    $script:manifest = Import-PowerShellDataFile -LiteralPath (Join-Path $script:module 'GmemPS.psd1')
    $script:repository = Join-Path $TestDrive 'repository'

    # Runs $Script in a fresh pwsh whose HOME, XDG folders and PSModulePath are the test's own; returns what
    # the script wrote as JSON, parsed.
    function Invoke-InstalledShell([string] $UserHome, [string] $Script) {
        $saved = @{}
        $environment = @{
            HOME = $UserHome; XDG_DATA_HOME = "$UserHome/.local/share"; XDG_CONFIG_HOME = "$UserHome/.config"
            XDG_CACHE_HOME = "$UserHome/.cache"; PSModulePath = ''
        }
        # .NET gives an empty LocalApplicationData for a folder that does not exist, and PSResourceGet then
        # writes its repository store relative to the working directory: make the folders, and work in $UserHome.
        foreach ($folder in '.local/share', '.config', '.cache') { $null = New-Item -ItemType Directory -Force -Path "$UserHome/$folder" }
        foreach ($name in $environment.Keys) {
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
            [Environment]::SetEnvironmentVariable($name, $environment[$name])
        }
        Push-Location -LiteralPath $UserHome
        try {
            $output = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command $Script 2>&1
            if ($LASTEXITCODE -ne 0) { throw "The fresh pwsh failed ($LASTEXITCODE): $($output -join "`n")" }
            return ($output -join "`n") | ConvertFrom-Json
        }
        finally {
            Pop-Location
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }
    }

    # One package and one install for the whole file: pack as build/pack.sh does, register the folder repository,
    # install, and time the install.
    $script:userHome = Join-Path $TestDrive 'home'
    $null = New-Item -ItemType Directory -Path $script:userHome
    $pack = Join-Path $PSScriptRoot '../../build/New-GmemPackage.ps1'
    $script:install = Invoke-InstalledShell $script:userHome @"
`$ErrorActionPreference = 'Stop'
`$package = & '$pack' -ModulePath '$script:module' -Destination '$script:repository'
Register-PSResourceRepository -Name GmemLocal -Uri '$script:repository' -Trusted
`$time = Measure-Command { Install-PSResource -Name GmemPS -Repository GmemLocal -Scope CurrentUser -Quiet }
`$installed = Get-InstalledPSResource -Name GmemPS
[pscustomobject]@{ Package = `$package.FullName; Version = "`$(`$installed.Version)"; Path = `$installed.InstalledLocation; Seconds = `$time.TotalSeconds } | ConvertTo-Json -Compress
"@
}

Describe 'The GmemPS package' -Tag Simulator {
    BeforeAll {
        $script:package = Get-Item -LiteralPath $script:install.Package
    }

    It 'is GmemPS.(version).nupkg with the manifest''s id, version, description and tags' {
        $script:package.Name | Should -Be "GmemPS.$($script:manifest.ModuleVersion).nupkg"
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead($script:package.FullName)
        try {
            $entry = $zip.Entries | Where-Object FullName -EQ 'GmemPS.nuspec'
            $reader = [System.IO.StreamReader]::new($entry.Open())
            [xml] $nuspec = $reader.ReadToEnd()
            $reader.Dispose()
            $files = @($zip.Entries | ForEach-Object FullName)
        }
        finally { $zip.Dispose() }
        $metadata = $nuspec.package.metadata
        $metadata.id | Should -Be 'GmemPS'
        $metadata.version | Should -Be $script:manifest.ModuleVersion
        $metadata.description | Should -Be $script:manifest.Description
        $metadata.tags -split ' ' | Should -Contain 'PSModule'
        # Every file of the module folder is in the package, and never the engine assembly pwsh brings.
        $moduleFiles = Get-ChildItem -LiteralPath $script:module -Recurse -File |
            ForEach-Object { [System.IO.Path]::GetRelativePath($script:module, $_.FullName) }
        foreach ($file in $moduleFiles) { $files | Should -Contain $file }
        $files | Should -Not -Contain 'System.Management.Automation.dll'
    }

    It 'installs with Install-PSResource from a folder repository into the (temporary) user scope' {
        $script:install.Version | Should -Be $script:manifest.ModuleVersion
        $script:install.Path | Should -BeLike "$script:userHome/*"
        Write-Host ("GmemPS package: {0:N0} bytes; Install-PSResource took {1:N2} s" -f $script:package.Length, $script:install.Seconds)
    }
}

foreach ($case in $backendCases) {
    Describe "The installed GmemPS on the $($case.Backend) backend" -Tag $case.Backend -Skip:$case.Skip -ForEach @($case) {
        It 'imports by name in a fresh pwsh, exports every cmdlet of the manifest and runs' {
            $result = Invoke-InstalledShell $script:userHome @"
Set-StrictMode -Version Latest
`$ErrorActionPreference = 'Stop'
Import-Module GmemPS
`$module = Get-Module GmemPS
`$vm = New-GmemVm -Backend $Backend
`$file = `$vm | New-GmemFile -Size 2MB -Mmap -InitShared
`$file | Write-GmemMemory -Offset 0 -Value 7, 8 -Confirm:`$false
[pscustomobject]@{
    Path = `$module.ModuleBase
    Cmdlets = @(`$module.ExportedCmdlets.Keys)
    Data = [int[]] (`$file | Read-GmemMemory -Offset 0 -Count 2)
    Help = (Get-Help New-GmemVm).Synopsis
    View = (`$vm | Out-String -Width 80)
} | ConvertTo-Json -Compress
"@
            $result.Path | Should -BeLike "$script:userHome/*"
            $result.Cmdlets | Sort-Object | Should -Be ($script:manifest.CmdletsToExport | Sort-Object)
            ($result.Data -join ',') | Should -Be '7,8'
            $result.Help | Should -Not -BeNullOrEmpty
            $result.View | Should -Match "vm0\s+$Backend"
        }
    }
}
