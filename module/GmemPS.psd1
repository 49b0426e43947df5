#
# Module manifest for GmemPS. The build substitutes the ModuleVersion placeholder below
# (from GmemPSVersion in Directory.Build.props) when it lays the module out in out/GmemPS.
#
@{
    RootModule             = 'GmemPS.dll'
    ModuleVersion          = '{{ModuleVersion}}'
    GUID                   = 'a4f0c7f2-5d0e-4b8e-9b44-3c1d6f0e2a71'
    Author                 = 'GmemPS'
    CompanyName            = 'GmemPS'
    Copyright              = '(c) GmemPS contributors.'
    Description            = 'Cmdlets for Linux KVM guest_memfd: create VMs and guest_memfd files, bind memslots, allocate and punch file ranges, convert memory between private and shared, and watch what the kernel does, on the real kernel (/dev/kvm) or on a kernel-exact simulator.'
    CompatiblePSEditions   = @('Core')
    PowerShellVersion      = '7.4'
    FormatsToProcess       = @('GmemPS.format.ps1xml')
    TypesToProcess         = @('GmemPS.types.ps1xml')
    CmdletsToExport        = @(
        'New-GmemVm'
        'Get-GmemVm'
        'Remove-GmemVm'
        'Get-GmemCapability'
        'New-GmemFile'
        'Get-GmemFile'
        'Close-GmemFile'
        'Add-Memslot'
        'Get-Memslot'
        'Remove-Memslot'
        'Add-GmemRange'
        'Remove-GmemRange'
        'Set-GmemPrivate'
        'Set-GmemShared'
        'Get-GmemAttribute'
        'Read-GmemMemory'
        'Write-GmemMemory'
        'Invoke-GuestAccess'
        'Get-GmemEvent'
        'Show-GmemMap'
        'Export-GmemMap'
        'Convert-GmemFileRange'
        'Get-GmemPageState'
        'Get-GmemPageResidency'
        'Get-GmemHostReference'
        'New-GmemHostReference'
        'Remove-GmemHostReference'
        'Clear-GmemHostMapping'
        'New-GmemMemfd'
        'Get-GmemMemfd'
        'Add-GmemMemfdSeal'
        'Write-GmemMemfd'
        'Set-GmemMemfdSize'
        'Start-GmemGuestFault'
        'Complete-GmemGuestFault'
        'Get-GmemGuestFault'
        'New-GmemKvmVfioDevice'
        'New-GmemVfioDevice'
        'Get-GmemKvmVfioDevice'
        'Get-GmemVfioDevice'
        'Close-GmemVfioDevice'
        'Close-GmemKvmVfioDevice'
        'Invoke-GmemWorkQueue'
        'Test-GmemKvmModuleUnload'
        'Export-GmemScenario'
        'Invoke-GmemScenario'
        'Compare-GmemScenario'
    )
    FunctionsToExport      = @()
    VariablesToExport      = @()
    AliasesToExport        = @()
    PrivateData            = @{
        PSData = @{
            Tags = @('KVM', 'guest_memfd', 'Virtualization', 'PSEdition_Core', 'Linux')
        }
    }
}
