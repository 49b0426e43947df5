# Pester 5 tests of Get-GmemPageResidency: which pages of a guest_memfd the kernel holds, from mincore(2) on a
# MAP_SHARED mapping, on each backend (the Kvm backend asks the kernel; the simulator models its answer). Measured
# on Linux 6.18: a page is resident once faulted in, by the host or the guest, until punched; fallocate alone does
# not make it resident; guest_memfd has no SEEK_DATA/SEEK_HOLE (lseek is ESPIPE). Tags: Simulator, Kvm.
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/GmemPS')
)

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'GmemPS.BackendCases.ps1')
}

foreach ($case in $backendCases) {
    Describe "Get-GmemPageResidency on the $($case.Backend) backend" -Tag $case.Backend -Skip:$case.Skip -ForEach @($case) {
        BeforeAll {
            Import-Module -Name $ModulePath -ErrorAction Stop
            # The runs as text: "<first page>-<last page>:<R|->" per run, pages of 4 KiB.
            function Get-Runs($File, [long] $Offset = 0, [long] $Length = -1) {
                $arguments = @{ File = $File; Offset = $Offset }
                if ($Length -ge 0) { $arguments.Length = $Length }
                (@(Get-GmemPageResidency @arguments) | ForEach-Object {
                        '{0}-{1}:{2}' -f ($_.Offset / 4KB), (($_.Offset + $_.Length) / 4KB - 1), $(if ($_.Resident) { 'R' } else { '-' })
                    }) -join ' '
            }
        }

        BeforeEach {
            [GmemPS.Infrastructure.GmemSession]::Reset()
            $vm = New-GmemVm -Backend $Backend
            $file = $vm | New-GmemFile -Size 64KB -Mmap -InitShared
        }

        It 'a fresh file holds no page' {
            Set-StrictMode -Version Latest
            $runs = @($file | Get-GmemPageResidency)
            $runs | Should -HaveCount 1
            $runs[0] | Should -BeOfType ([GmemPS.Lab.LabPageResidency])
            $runs[0].Resident | Should -BeFalse
            $runs[0].Length | Should -Be 64KB
        }

        It 'host and guest accesses make pages resident; fallocate alone does not; a punch drops them' {
            Set-StrictMode -Version Latest
            $null = $file | Read-GmemMemory -Offset 0x1000 -Count 1
            $file | Write-GmemMemory -Offset 0x3000 -Value 1 -Confirm:$false
            $file | Add-GmemRange -Offset 0x5000 -Length 8KB -Confirm:$false
            $file | Add-Memslot -Gpa 0
            $null = $vm | Invoke-GuestAccess -Gpa 0x8000 -Read 4
            Get-Runs $file | Should -Be '0-0:- 1-1:R 2-2:- 3-3:R 4-7:- 8-8:R 9-15:-'
            $file | Remove-GmemRange -Offset 0x3000 -Length 4KB -Confirm:$false
            $file | Remove-GmemRange -Offset 0x8000 -Length 4KB -Confirm:$false
            Get-Runs $file | Should -Be '0-0:- 1-1:R 2-15:-'
        }

        It 'reports the range asked for, and takes a memslot from the pipeline (its file, offset and size)' {
            $file | Write-GmemMemory -Offset 0x2000 -Value 1 -Confirm:$false
            Get-Runs $file -Offset 8KB -Length 8KB | Should -Be '2-2:R 3-3:-'
            $slot = $file | Add-Memslot -Gpa 0 -Offset 8KB -Size 4KB -PassThru
            (@($slot | Get-GmemPageResidency) | ForEach-Object Resident) | Should -Be $true
        }

        It 'refuses a range that is not whole pages of the file, before any kernel call' -ForEach @(
            @{ Offset = 1; Length = 4KB }, @{ Offset = 0; Length = 4097 }, @{ Offset = 60KB; Length = 8KB }, @{ Offset = -4KB; Length = 4KB }
        ) {
            $file | Get-GmemPageResidency -Offset $Offset -Length $Length -ErrorAction SilentlyContinue -ErrorVariable err
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'GmemArgumentOutOfRange,*'
        }

        It 'a file without -Mmap gets the kernel''s mmap refusal (ENODEV), and leaks no mapping' {
            $private = $vm | New-GmemFile -Size 64KB
            $mappings = [GmemPS.Infrastructure.GmemSession]::Current.Mappings.Count
            $private | Get-GmemPageResidency -ErrorAction SilentlyContinue -ErrorVariable err
            "$($err[0].Exception.Errno)" | Should -Be 'ENODEV'
            [GmemPS.Infrastructure.GmemSession]::Current.Mappings.Count | Should -Be $mappings
        }

        It 'a closed file gets the kernel''s EBADF' {
            $file | Close-GmemFile -Confirm:$false
            $file | Get-GmemPageResidency -ErrorAction SilentlyContinue -ErrorVariable err
            "$($err[0].Exception.Errno)" | Should -Be 'EBADF'
        }
    }
}
