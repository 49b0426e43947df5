# The rule id behind an error record, for tests that assert which rule refused them: binding refusals (an unknown id,
# another session's object) carry the lab's exception inside the binder's; cmdlet refusals carry the rule id as their
# FullyQualifiedErrorId.

Set-StrictMode -Version Latest

function Get-RuleIdOf([System.Management.Automation.ErrorRecord] $Record) {
    $exception = $Record.Exception
    while ($null -ne $exception) {
        if ($exception -is [GmemPS.Lab.GmemLabException]) { return $exception.ErrorId }
        $exception = $exception.InnerException
    }
    return ($Record.FullyQualifiedErrorId -split ',')[0]
}

Export-ModuleMember -Function Get-RuleIdOf
