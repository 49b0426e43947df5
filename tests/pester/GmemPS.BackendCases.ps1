# Dot-sourced by the per-backend suites in BeforeDiscovery (with $ModulePath set): decides, before any test is
# generated, whether the Kvm backend can run here, and sets $backendCases for Describe -ForEach.
$kvmSkipReason = ''
if (-not (Test-Path -LiteralPath '/dev/kvm')) {
    $kvmSkipReason = '/dev/kvm does not exist'
}
else {
    try {
        Import-Module -Name $ModulePath -ErrorAction Stop
        $null = Get-GmemCapability -Backend Kvm -Name GuestMemfd -ErrorAction Stop
    }
    catch {
        $kvmSkipReason = "the Kvm backend is not usable: $($_.FullyQualifiedErrorId)"
    }
}
# On a machine with a usable /dev/kvm (the runner sets GMEMPS_REQUIRE_KVM) the Kvm tests must run, not skip.
if ($kvmSkipReason -and $env:GMEMPS_REQUIRE_KVM -eq '1') {
    throw "The Kvm backend must run on this machine but cannot: $kvmSkipReason"
}
$backendCases = @(
    @{ Backend = 'Simulator'; Skip = $false; SkipReason = '' }
    @{ Backend = 'Kvm'; Skip = ($kvmSkipReason -ne ''); SkipReason = $kvmSkipReason }
)
