# Custom Pester Should operators for GmemPS, reusable in any Pester 5 (or 6) suite:
#
#   Import-Module ./GmemPS.ShouldOperators.psm1      # after Pester and GmemPS are loaded
#   $vm   | Should -BeGmemState Private -Gpa 0 -Size 2MB
#   $slot | Should -BeGmemState Shared                            # a memslot: its whole gpa range
#   Get-GmemEvent -Vm $vm -Since $mark | Should -HaveGmemEvent -Kind Invalidated -Slot 0 -GfnStart 0x1 -GfnEnd 0x2
#   $vm   | Should -Not -HaveGmemEvent -Kind VmDestroyed        # a VM: its backend's whole event log
#   $err  | Should -BeGmemRefusal -Errno EEXIST -RuleId MemslotGpaOverlap   # an ErrorRecord (-ErrorVariable, $Error)
#
# Each test function follows Add-ShouldOperator's contract: it receives $ActualValue and [switch] $Negate (and
# Pester's -CallerSessionState), and returns [pscustomobject]@{ Succeeded; FailureMessage }. Parameters after
# $ActualValue take positions 1, 2, ... in Should, so the first one can be given without its name.

Set-StrictMode -Version Latest

function Get-GmemRangeState {
    # Private, Shared or Mixed for [Gpa, Gpa + Size) of a VM, from what Get-GmemAttribute reports the session
    # set (the kernel has no GET: anything never made private is shared).
    param([object] $Vm, [uint64] $Gpa, [uint64] $Size)
    $end = $Gpa + $Size
    $privateBytes = [uint64] 0
    foreach ($range in @(Get-GmemAttribute -Vm $Vm)) {
        if ("$($range.State)" -ne 'Private') { continue }
        $from = [Math]::Max([uint64] $range.Gpa, $Gpa)
        $to = [Math]::Min([uint64] $range.Gpa + [uint64] $range.Size, $end)
        if ($to -gt $from) { $privateBytes += $to - $from }
    }
    if ($privateBytes -eq 0) { return 'Shared' }
    if ($privateBytes -ge $Size) { return 'Private' }
    return 'Mixed'
}

function Format-GmemBecause([string] $Because) {
    if ([string]::IsNullOrWhiteSpace($Because)) { return '' }
    return " because $($Because.Trim()),"
}

function Test-BeGmemState($ActualValue, $GmemState, $Gpa, $Size, [switch] $Negate, [string] $Because, $CallerSessionState) {
    <#
    .SYNOPSIS
    Asserts the attribute state (Private, Shared or Mixed) of a gpa range: a LabVm with -Gpa and -Size, a
    LabMemslot (its whole range unless -Gpa/-Size narrow it) or an AttributeRange.
    #>
    if ($null -eq $ActualValue) {
        return [pscustomobject]@{ Succeeded = $false; FailureMessage = 'Expected a GmemPS VM, memslot or attribute range, but got $null.' }
    }
    $vm = $ActualValue.Vm
    $start = if ($null -ne $Gpa) { [uint64] $Gpa } elseif ($ActualValue.PSObject.Properties['Gpa']) { [uint64] $ActualValue.Gpa } else { $null }
    $length = if ($null -ne $Size) { [uint64] $Size } elseif ($ActualValue.PSObject.Properties['Size']) { [uint64] $ActualValue.Size } else { $null }
    if ($null -eq $start -or $null -eq $length -or $length -eq 0) {
        return [pscustomobject]@{ Succeeded = $false; FailureMessage = "Give -Gpa and -Size to check a range of $($ActualValue.Id)." }
    }
    $actual = Get-GmemRangeState -Vm $vm -Gpa $start -Size $length
    $range = '[0x{0:x}, 0x{1:x})' -f $start, ($start + $length)
    $succeeded = $actual -eq "$GmemState"
    if ($Negate) { $succeeded = -not $succeeded }
    if ($succeeded) { return [pscustomobject]@{ Succeeded = $true; FailureMessage = '' } }
    $message = if ($Negate) {
        "Expected gpa $range of $($vm.Id) not to be $GmemState,$(Format-GmemBecause $Because) but it is."
    }
    else {
        "Expected gpa $range of $($vm.Id) to be $GmemState,$(Format-GmemBecause $Because) but it is $actual."
    }
    return [pscustomobject]@{ Succeeded = $false; FailureMessage = $message }
}

function Test-HaveGmemEvent($ActualValue, $Kind, $Slot, $GfnStart, $GfnEnd, $Cause, $EventCount, [switch] $Negate, [string] $Because, $CallerSessionState) {
    <#
    .SYNOPSIS
    Asserts that events (piped GmemEvent objects, or a LabVm whose backend's log is read) include one of -Kind
    matching every filter given (-Slot, -GfnStart, -GfnEnd, -Cause); with -EventCount, exactly that many.
    #>
    $events = foreach ($item in @($ActualValue)) {
        if ($null -eq $item) { continue }
        if ($item -is [GmemPS.Lab.LabVm]) { Get-GmemEvent -Vm $item } else { $item }
    }
    $matching = @($events | Where-Object {
            ($null -eq $Kind -or $_.Kind -eq "$Kind") -and
            ($null -eq $Slot -or ($_.PSObject.Properties['Slot'] -and $_.Slot -eq $Slot)) -and
            ($null -eq $GfnStart -or ($_.PSObject.Properties['GfnStart'] -and $_.GfnStart -eq [uint64] $GfnStart)) -and
            ($null -eq $GfnEnd -or ($_.PSObject.Properties['GfnEnd'] -and $_.GfnEnd -eq [uint64] $GfnEnd)) -and
            ($null -eq $Cause -or ($_.PSObject.Properties['Cause'] -and "$($_.Cause)" -eq "$Cause"))
        })
    $filters = @(
        if ($null -ne $Kind) { "Kind $Kind" }
        if ($null -ne $Slot) { "slot $Slot" }
        if ($null -ne $GfnStart) { 'GfnStart 0x{0:x}' -f [uint64] $GfnStart }
        if ($null -ne $GfnEnd) { 'GfnEnd 0x{0:x}' -f [uint64] $GfnEnd }
        if ($null -ne $Cause) { "cause $Cause" }
    ) -join ', '
    $succeeded = if ($null -ne $EventCount) { $matching.Count -eq [int] $EventCount } else { $matching.Count -gt 0 }
    if ($Negate) { $succeeded = -not $succeeded }
    if ($succeeded) { return [pscustomobject]@{ Succeeded = $true; FailureMessage = '' } }
    $seen = if (@($events).Count -eq 0) { 'no events' } else { (@($events) | ForEach-Object { "$_" }) -join '; ' }
    $wanted = if ($null -ne $EventCount) { "exactly $EventCount event(s)" } else { 'an event' }
    $message = if ($Negate) {
        "Expected no event with $filters,$(Format-GmemBecause $Because) but found $($matching.Count): $(($matching | ForEach-Object { "$_" }) -join '; ')"
    }
    else {
        "Expected $wanted with $filters,$(Format-GmemBecause $Because) but found $($matching.Count) among: $seen"
    }
    return [pscustomobject]@{ Succeeded = $false; FailureMessage = $message }
}

function Get-GmemKernelException([object] $Record) {
    $exception = if ($Record -is [System.Management.Automation.ErrorRecord]) { $Record.Exception } else { $Record }
    while ($null -ne $exception) {
        if ($exception -is [GmemPS.Kernel.GmemException]) { return $exception }
        $exception = $exception.InnerException
    }
    return $null
}

function Test-BeGmemRefusal($ActualValue, $Errno, $RuleId, [switch] $Negate, [string] $Because, $CallerSessionState) {
    <#
    .SYNOPSIS
    Asserts that an ErrorRecord (from -ErrorVariable or $Error) is a kernel refusal with -Errno (EEXIST, EINVAL,
    ...) and, if given, error id -RuleId (FullyQualifiedErrorId "<RuleId>,GmemPS.Commands.<Cmdlet>").
    #>
    $record = @($ActualValue) | Select-Object -First 1
    $kernel = Get-GmemKernelException $record
    $actualErrno = if ($null -ne $kernel) { "$($kernel.Errno)" } else { '' }
    $actualId = if ($record -is [System.Management.Automation.ErrorRecord]) { ($record.FullyQualifiedErrorId -split ',')[0] } else { '' }
    $succeeded = ($null -ne $kernel) -and ($null -eq $Errno -or $actualErrno -eq "$Errno") -and ($null -eq $RuleId -or $actualId -eq "$RuleId")
    if ($Negate) { $succeeded = -not $succeeded }
    if ($succeeded) { return [pscustomobject]@{ Succeeded = $true; FailureMessage = '' } }
    $expected = (@(if ($null -ne $Errno) { "$Errno" }; if ($null -ne $RuleId) { "$RuleId" }) -join ' ')
    $got = if ($null -eq $record) { '$null' } elseif ($null -eq $kernel) { "a non-kernel error '$actualId'" } else { "$actualErrno $actualId" }
    $message = if ($Negate) {
        "Expected not a kernel refusal $expected,$(Format-GmemBecause $Because) but got $got."
    }
    else {
        "Expected a kernel refusal $expected,$(Format-GmemBecause $Because) but got $got."
    }
    return [pscustomobject]@{ Succeeded = $false; FailureMessage = $message }
}

function Register-GmemShouldOperator([string] $Name, [scriptblock] $Test, [switch] $SupportsArrayInput) {
    # Importing this module again (-Force) registers the same test again; Pester accepts an identical
    # re-registration, and any other refusal means the operator is already there.
    try {
        Add-ShouldOperator -Name $Name -Test $Test -SupportsArrayInput:$SupportsArrayInput
    }
    catch {
        Write-Verbose "Should -$Name is already registered: $($_.Exception.Message)"
    }
}

Register-GmemShouldOperator -Name BeGmemState -Test ${function:Test-BeGmemState}
Register-GmemShouldOperator -Name HaveGmemEvent -Test ${function:Test-HaveGmemEvent} -SupportsArrayInput
Register-GmemShouldOperator -Name BeGmemRefusal -Test ${function:Test-BeGmemRefusal} -SupportsArrayInput

Export-ModuleMember -Function Get-GmemRangeState, Test-BeGmemState, Test-HaveGmemEvent, Test-BeGmemRefusal
