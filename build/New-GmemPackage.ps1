<#
.SYNOPSIS
    Packs a laid-out GmemPS module folder into GmemPS.<version>.nupkg (what build/pack.sh runs).
.DESCRIPTION
    Compress-PSResource (PSResourceGet, shipped with pwsh) writes the same package Publish-PSResource would put in a
    repository, without touching any repository or user configuration. Writes the package's FileInfo.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $Destination
)
$ErrorActionPreference = 'Stop'
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).ProviderPath
$null = New-Item -ItemType Directory -Force -Path $Destination
$Destination = (Resolve-Path -LiteralPath $Destination).ProviderPath
$version = (Import-PowerShellDataFile -LiteralPath (Join-Path $ModulePath 'GmemPS.psd1')).ModuleVersion
$package = Join-Path $Destination "GmemPS.$version.nupkg"
Remove-Item -LiteralPath $package -ErrorAction Ignore
Compress-PSResource -Path $ModulePath -DestinationPath $Destination
if (-not (Test-Path -LiteralPath $package)) { throw "Compress-PSResource wrote no $package." }
Get-Item -LiteralPath $package
