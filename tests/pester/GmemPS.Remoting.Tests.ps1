# PowerShell remoting over SSH, for real: a loopback sshd (tests/pester/Support/LoopbackSsh.psm1 installs
# openssh-server from Debian when it is missing) with a powershell subsystem on this pwsh. The remote side runs the
# module on each backend; what comes back is deserialized: it keeps its type (format views apply) and its session,
# and piping it into this session's cmdlets is GmemForeignObject, never this session's object of the same id.
# Tags: Simulator, Kvm.
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../../out/GmemPS')
)

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'GmemPS.BackendCases.ps1')
}

BeforeAll {
    Import-Module -Name $ModulePath -ErrorAction Stop
    Import-Module -Name (Join-Path $PSScriptRoot 'Support/LoopbackSsh.psm1') -Force -ErrorAction Stop
    $script:ModuleFolder = (Get-Module -Name GmemPS).ModuleBase
    $script:Server = Start-LoopbackSshd
    $script:Remote = New-LoopbackSession -Server $script:Server
    Invoke-Command -Session $script:Remote -ArgumentList $script:ModuleFolder { param($m) Import-Module $m -ErrorAction Stop }

    Import-Module -Name (Join-Path $PSScriptRoot 'Support/RuleId.psm1') -Force -ErrorAction Stop
}

AfterAll {
    if ($script:Remote) { Remove-PSSession -Session $script:Remote }
    if ($script:Server) { Stop-LoopbackSshd -Server $script:Server }
}

Describe 'Remoting over SSH on the <Backend> backend' -ForEach $backendCases {
    BeforeEach {
        [GmemPS.Infrastructure.GmemSession]::Reset()
        Invoke-Command -Session $script:Remote { [GmemPS.Infrastructure.GmemSession]::Reset() }
    }

    It 'a remote VM and file come back typed, with the remote session''s id, and format with their views' -Tag $Backend -Skip:$Skip {
        $remote = Invoke-Command -Session $script:Remote -ArgumentList $Backend {
            param($b)
            $vm = New-GmemVm -Backend $b
            $vm, ($vm | New-GmemFile -Size 2MB -Mmap -InitShared)
        }
        $remote | Should -HaveCount 2
        $remote[0].PSObject.TypeNames | Should -Contain 'Deserialized.GmemPS.Lab.LabVm'
        $remote[1].PSObject.TypeNames | Should -Contain 'Deserialized.GmemPS.Lab.LabFile'
        "$($remote[0].Backend)" | Should -Be $Backend
        $remoteSession = Invoke-Command -Session $script:Remote { [GmemPS.Infrastructure.GmemSession]::Current.SessionId }
        "$($remote[0].SessionId)" | Should -Be "$remoteSession"
        ($remote[0] | Out-String -Width 80) | Should -Match 'vm0'
    }

    It 'a remote object piped into this session is GmemForeignObject; this session''s vm0 gets no file' -Tag $Backend -Skip:$Skip {
        $local = New-GmemVm -Backend $Backend
        $remoteVm = Invoke-Command -Session $script:Remote -ArgumentList $Backend { param($b) New-GmemVm -Backend $b }
        $remoteVm.Id | Should -Be $local.Id -Because 'both sessions name their first VM vm0'
        $refusal = try { $remoteVm | New-GmemFile -Size 4KB -ErrorAction Stop; '' } catch { Get-RuleIdOf $_ }
        $refusal | Should -Be 'GmemForeignObject'
        @(Get-GmemFile) | Should -HaveCount 0
    }

    It 'a remote object sent back to its own session is that session''s object' -Tag $Backend -Skip:$Skip {
        $remoteVm = Invoke-Command -Session $script:Remote -ArgumentList $Backend { param($b) New-GmemVm -Backend $b }
        $file = Invoke-Command -Session $script:Remote -ArgumentList $remoteVm { param($vm) $vm | New-GmemFile -Size 2MB }
        $file.Id | Should -Be 'gmem0'
        "$($file.Vm.Id)" | Should -Be 'vm0'
        Invoke-Command -Session $script:Remote { @(Get-GmemFile).Count } | Should -Be 1
    }
}
