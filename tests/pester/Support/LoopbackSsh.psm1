# A loopback SSH server for remoting tests: PowerShell remoting over SSH (New-PSSession -HostName) needs an sshd
# with a `powershell` subsystem. Everything it makes — host key, user key, configuration, log, pid file — lives in one
# temporary folder; Stop-LoopbackSshd stops the daemon by its own pid and removes the folder.

Set-StrictMode -Version Latest

function Install-OpenSshServer {
    # openssh-server (and the client of the same version, which it depends on) from Debian, when sshd is missing.
    # The package's scripts must not start a system-wide sshd: policy-rc.d answers 101 ("not allowed") meanwhile.
    if (Test-Path -LiteralPath '/usr/sbin/sshd') { return }
    $policy = '/usr/sbin/policy-rc.d'
    $madePolicy = -not (Test-Path -LiteralPath $policy)
    if ($madePolicy) {
        Set-Content -LiteralPath $policy -Value "#!/bin/sh`nexit 101"
        & chmod 755 $policy
    }
    try {
        $env:DEBIAN_FRONTEND = 'noninteractive'
        $log = & apt-get install -y -q --no-install-recommends openssh-server openssh-client 2>&1
        if ($LASTEXITCODE -ne 0) {
            $log += & apt-get update -q 2>&1
            $log += & apt-get install -y -q --no-install-recommends openssh-server openssh-client 2>&1
        }
        if (-not (Test-Path -LiteralPath '/usr/sbin/sshd')) { throw "openssh-server could not be installed:`n$($log | Out-String)" }
    }
    finally {
        if ($madePolicy) { Remove-Item -LiteralPath $policy -Force }
    }
}

function Get-FreeTcpPort {
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { return ([System.Net.IPEndPoint] $listener.LocalEndpoint).Port }
    finally { $listener.Stop() }
}

function Start-LoopbackSshd {
    <#
    .SYNOPSIS
        Starts sshd on 127.0.0.1 with a powershell subsystem running this pwsh; returns what New-PSSession needs.
    #>
    [CmdletBinding()]
    param()
    Install-OpenSshServer
    $folder = Join-Path ([System.IO.Path]::GetTempPath()) "gmemps-sshd-$([guid]::NewGuid().ToString('n').Substring(0, 8))"
    $null = New-Item -ItemType Directory -Path $folder
    & chmod 700 $folder
    $hostKey = Join-Path $folder 'host_ed25519'
    $userKey = Join-Path $folder 'user_ed25519'
    & ssh-keygen -q -t ed25519 -N '' -f $hostKey | Out-Null
    & ssh-keygen -q -t ed25519 -N '' -f $userKey | Out-Null
    Copy-Item -LiteralPath "$userKey.pub" -Destination (Join-Path $folder 'authorized_keys')
    $port = Get-FreeTcpPort
    $pidFile = Join-Path $folder 'sshd.pid'
    $pwsh = Join-Path $PSHOME 'pwsh'
    $config = Join-Path $folder 'sshd_config'
    @(
        "Port $port"
        'ListenAddress 127.0.0.1'
        "HostKey $hostKey"
        "PidFile $pidFile"
        "AuthorizedKeysFile $(Join-Path $folder 'authorized_keys')"
        'PubkeyAuthentication yes'
        'PasswordAuthentication no'
        'KbdInteractiveAuthentication no'
        'PermitRootLogin prohibit-password'
        'StrictModes no'
        'UsePAM no'
        "Subsystem powershell $pwsh -sshs -NoLogo -NoProfile"
    ) | Set-Content -LiteralPath $config
    # Privilege separation needs this folder; Debian's service unit would make it.
    if (-not (Test-Path -LiteralPath '/run/sshd')) { $null = New-Item -ItemType Directory -Path '/run/sshd' }
    & /usr/sbin/sshd -f $config -E (Join-Path $folder 'sshd.log')
    if ($LASTEXITCODE -ne 0) { throw "sshd did not start: $(Get-Content -Raw (Join-Path $folder 'sshd.log') -ErrorAction SilentlyContinue)" }
    $deadline = [DateTime]::UtcNow.AddSeconds(10)
    while (-not (Test-Path -LiteralPath $pidFile) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
    if (-not (Test-Path -LiteralPath $pidFile)) { throw 'sshd wrote no pid file within 10 s' }
    [pscustomobject]@{
        HostName    = '127.0.0.1'
        Port        = $port
        UserName    = [Environment]::UserName
        KeyFilePath = $userKey
        Folder      = $folder
        Pid         = [int] (Get-Content -LiteralPath $pidFile -Raw).Trim()
    }
}

function New-LoopbackSession {
    # A PSSession to the loopback sshd (host key accepted for this folder only, never written to ~/.ssh).
    param([Parameter(Mandatory)] $Server, [string] $Name)
    $options = @{
        StrictHostKeyChecking = 'no'
        UserKnownHostsFile    = (Join-Path $Server.Folder 'known_hosts')
    }
    $parameters = @{
        HostName    = $Server.HostName
        Port        = $Server.Port
        UserName    = $Server.UserName
        KeyFilePath = $Server.KeyFilePath
        Options     = $options
        ErrorAction = 'Stop'
    }
    if ($Name) { $parameters.Name = $Name }
    New-PSSession @parameters
}

function Stop-LoopbackSshd {
    param([Parameter(Mandatory)] $Server)
    if ($Server.Pid) {
        try { Stop-Process -Id $Server.Pid -ErrorAction Stop } catch { Write-Verbose "sshd $($Server.Pid) had already stopped" }
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while ((Get-Process -Id $Server.Pid -ErrorAction SilentlyContinue) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
    }
    if (Test-Path -LiteralPath $Server.Folder) { Remove-Item -LiteralPath $Server.Folder -Recurse -Force }
}

Export-ModuleMember -Function Start-LoopbackSshd, New-LoopbackSession, Stop-LoopbackSshd
