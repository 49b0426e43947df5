using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using GmemPS.Kernel;

namespace GmemPS.Scenarios
{
    /// <summary>
    /// A scenario as a runnable PowerShell script: each step is the GmemPS cmdlet call that makes exactly that
    /// kernel call, or — where no cmdlet does (a raw memslot request, mmap of a range, read(2) on the file) — the
    /// lab's method of the same name, with the recorded outcome written above it. The script runs alone (it imports
    /// GmemPS: the installed module, else the one that wrote it) or in a session, whose objects it leaves alone: its
    /// steps run in a session of their own (<c>GmemSession.Isolate</c>), closed at the end. It ends by writing a
    /// <see cref="ScenarioScriptSummary"/> of how each step went against its recorded outcome.
    /// </summary>
    internal static class ScenarioScript
    {
        /// <param name="modulePath">The manifest of the module writing the script: imported when GmemPS is not installed.</param>
        /// <param name="leftOut">What the session did that the scenario leaves out (the designs), one line each.</param>
        public static string Write(Scenario scenario, string? modulePath = null, IReadOnlyList<string>? leftOut = null)
        {
            var s = new StringBuilder();
            string title = Comment(scenario.Name ?? "scenario");
            s.AppendLine("<#");
            s.AppendLine(".SYNOPSIS");
            s.AppendLine($"    GmemPS scenario '{title}': {scenario.Steps.Count} steps{(scenario.RecordedOn == null ? string.Empty : $", recorded on {scenario.RecordedOn}")}.");
            s.AppendLine(".DESCRIPTION");
            s.AppendLine("    Written by Export-GmemScenario. Each step is the cmdlet call (or, where no cmdlet makes that exact kernel");
            s.AppendLine("    call, the lab's method) the session made, with the outcome it had written above it. The steps run in a");
            s.AppendLine("    GmemPS session of their own, closed at the end (they name objects vm0, gmem0, map0 ... as a fresh");
            s.AppendLine("    session does); objects of the session the script runs in are left alone. The script ends with a summary:");
            s.AppendLine("    how many steps did what they did when recorded; its Steps and Differing properties hold each step's result.");
            s.AppendLine("    Invoke-GmemScenario and Compare-GmemScenario replay the JSON form of the same scenario step by step.");
            if (leftOut != null && leftOut.Count > 0)
            {
                s.AppendLine($"    Left out: {leftOut.Count} steps of the session, which only the simulator runs:");
                foreach (string line in leftOut) s.AppendLine("      " + Comment(line));
            }
            s.AppendLine(".EXAMPLE");
            s.AppendLine("    ./scenario.ps1 -Backend Kvm");
            s.AppendLine(".EXAMPLE");
            s.AppendLine("    (./scenario.ps1).Differing");
            s.AppendLine("#>");
            s.AppendLine("[CmdletBinding()]");
            s.AppendLine("param(");
            s.AppendLine("    [ValidateSet('Simulator', 'Kvm')]");
            s.AppendLine("    [string] $Backend = 'Simulator'");
            s.AppendLine(")");
            s.AppendLine("# GmemPS: the module already loaded, else the installed one, else the module that wrote this script.");
            s.AppendLine("if (-not (Get-Module -Name GmemPS)) {");
            if (modulePath == null)
            {
                s.AppendLine("    Import-Module -Name GmemPS -ErrorAction Stop");
            }
            else
            {
                s.AppendLine("    if (Get-Module -ListAvailable -Name GmemPS) { Import-Module -Name GmemPS -ErrorAction Stop }");
                s.AppendLine($"    else {{ Import-Module -Name {Quote(modulePath)} -ErrorAction Stop }}");
            }
            s.AppendLine("}");
            s.AppendLine("# Refusals are steps of the scenario too: the summary holds each against its recorded outcome, so they are not");
            s.AppendLine("# written as errors (unless the caller chose an -ErrorAction; Stop stops at the first).");
            s.AppendLine("$stepErrorAction = if ($PSBoundParameters.ContainsKey('ErrorAction')) { $ErrorActionPreference } else { 'SilentlyContinue' }");
            s.AppendLine("$scenarioJson = @'");
            s.AppendLine(scenario.ToJson().Replace("\n'@", "\n '@"));
            s.AppendLine("'@");
            s.AppendLine("$scenarioSession = [GmemPS.Infrastructure.GmemSession]::Isolate()");
            s.AppendLine("try {");
            s.AppendLine("    $lab = [GmemPS.Infrastructure.GmemSession]::Current");
            s.AppendLine("    $hostProfile = if ($Backend -eq 'Simulator') { 'ThisHost' } else { $null }");
            s.AppendLine("    $target = [GmemPS.Scenarios.ScenarioTarget]::new($Backend, $hostProfile)");
            s.AppendLine("    $replay = [GmemPS.Scenarios.ScenarioScriptReplay]::new($lab, $scenarioJson, $target)");
            s.AppendLine("    function Resolve-ScenarioAddress([string] $Reference) { [GmemPS.Scenarios.ScenarioRunner]::ResolveAddress($lab, $Reference) }");
            s.AppendLine("    function Resolve-ScenarioDescriptor([string] $Reference) { [GmemPS.Scenarios.ScenarioRunner]::ResolveDescriptor($lab, $target, $Reference) }");
            s.AppendLine("    function Invoke-ScenarioStep([int] $Index, [scriptblock] $Statement) {");
            s.AppendLine("        $before = $lab.StepCount");
            s.AppendLine("        $failure = $null");
            s.AppendLine("        try {");
            s.AppendLine("            $ErrorActionPreference = $stepErrorAction");
            s.AppendLine("            $null = & $Statement");
            s.AppendLine("        }");
            s.AppendLine("        catch {");
            s.AppendLine("            if ($stepErrorAction -eq 'Stop') { throw }");
            s.AppendLine("            $failure = $_.Exception");
            s.AppendLine("        }");
            s.AppendLine("        $null = $replay.Add($Index, $before, $failure)");
            s.AppendLine("    }");
            s.AppendLine();

            var state = new ScriptState();
            for (int i = 0; i < scenario.Steps.Count; i++)
            {
                var step = scenario.Steps[i];
                s.AppendLine($"    # {i}: {step.Kind}{(step.Expected == null ? string.Empty : " -> " + step.Expected.ToString().Replace("\n", " "))}");
                s.AppendLine($"    Invoke-ScenarioStep {i} {{ {Statement(step, state)} }}");
                state.After(step);
            }
            s.AppendLine();
            s.AppendLine("    # How each step went against its recorded outcome.");
            s.AppendLine("    $replay.Summary()");
            s.AppendLine("}");
            s.AppendLine("finally {");
            s.AppendLine("    $scenarioSession.Dispose()");
            s.AppendLine("}");
            return s.ToString();
        }

        /// <summary>Text that cannot end the comment block it is written in.</summary>
        private static string Comment(string text) => text.Replace("#>", "# >");

        /// <summary>What the script knows of the session while it is written: which mapping is a file's host view, which slots are open.</summary>
        private sealed class ScriptState
        {
            private readonly Dictionary<string, string> hostViewOf = new Dictionary<string, string>();   // map id -> file id
            private readonly Dictionary<string, string> currentHostView = new Dictionary<string, string>(); // file id -> map id
            private readonly HashSet<string> closedMappings = new HashSet<string>();
            private readonly HashSet<string> openSlots = new HashSet<string>();

            /// <summary>The file whose current, open host view <paramref name="mapping"/> is: Read-/Write-GmemMemory go through it.</summary>
            public string? FileViewedBy(string mapping) =>
                hostViewOf.TryGetValue(mapping, out string? file) && currentHostView.TryGetValue(file, out string? current)
                && current == mapping && !closedMappings.Contains(mapping) ? file : null;

            public bool IsOpenSlot(string id) => openSlots.Contains(id);

            public void After(ScenarioStep step)
            {
                var outcome = step.Expected;
                if (outcome == null || !outcome.Succeeded) return;
                switch (step.Kind)
                {
                    case "Map" when step.Argument("HostView") is true && outcome.Result != null:
                        hostViewOf[outcome.Result] = (string)step.Argument("File")!;
                        currentHostView[(string)step.Argument("File")!] = outcome.Result;
                        break;
                    case "Unmap":
                        closedMappings.Add((string)step.Argument("Mapping")!);
                        break;
                    case "CloseFile" when currentHostView.TryGetValue((string)step.Argument("File")!, out string? view):
                        closedMappings.Add(view);
                        break;
                    case "SetMemslot":
                    {
                        var region = (UserMemoryRegion2)step.Argument("Region")!;
                        string id = $"{step.Argument("Vm")}/slot{region.Slot}";
                        if (region.IsDelete) openSlots.Remove(id);
                        else openSlots.Add(id);
                        break;
                    }
                    case "CloseVm":
                        break;
                }
            }
        }

        private static string Statement(ScenarioStep step, ScriptState state)
        {
            string Id(string name) => Quote((string)step.Argument(name)!);
            string Vm() => $"$lab.FindVm({Id("Vm")})";
            string File() => $"$lab.FindFile({Id("File")})";
            string Mapping() => $"$lab.FindMapping({Id("Mapping")})";
            switch (step.Kind)
            {
                case "CreateVm":
                    return $"$null = New-GmemVm -Backend $Backend -Type {U64(step.Argument("Type"))} -Confirm:$false";
                case "CreateFile":
                {
                    ulong reserved = step.Argument("Reserved0") as ulong? ?? 0;
                    var flags = (GuestMemfdFlags)step.Argument("Flags")!;
                    return reserved == 0
                        ? $"$null = New-GmemFile -Vm {Id("Vm")} -Size {U64(step.Argument("Size"))} -Flags {Enum(flags)} -Confirm:$false"
                        : $"$null = $lab.CreateFile({Vm()}, {U64(step.Argument("Size"))}, {Enum(flags)}, {U64(reserved)})";
                }
                case "SetMemslot":
                    return Memslot(step, state);
                case "Fallocate":
                {
                    var request = (FallocateRequest)step.Argument("Request")!;
                    string range = $"-File {Id("File")} -Offset {I64(request.Offset)} -Length {I64(request.Length)}";
                    if (request.Mode == FallocateMode.KeepSize) return $"$null = Add-GmemRange {range} -Confirm:$false";
                    if (request.Mode == (FallocateMode.KeepSize | FallocateMode.PunchHole)) return $"$null = Remove-GmemRange {range} -Confirm:$false";
                    return $"$null = $lab.Fallocate({File()}, [GmemPS.Kernel.FallocateRequest]::new({Enum(request.Mode)}, {I64(request.Offset)}, {I64(request.Length)}))";
                }
                case "SetAttributes":
                {
                    var r = (MemoryAttributesRequest)step.Argument("Request")!;
                    return $"$null = $lab.SetAttributes({Vm()}, [GmemPS.Kernel.MemoryAttributesRequest]::new({U64(r.Address)}, {U64(r.Size)}, {Enum(r.Attributes)}, {U64(r.Flags)}))";
                }
                case "Map":
                {
                    var r = (MapRequest)step.Argument("Request")!;
                    bool hostView = step.Argument("HostView") is true;
                    return $"$null = $lab.Map({File()}, [GmemPS.Kernel.MapRequest]::new({I64(r.Offset)}, {I64(r.Length)}, {Bool(r.Shared)}), {Bool(hostView)})";
                }
                case "MapAnonymous":
                    return $"$null = $lab.MapAnonymous($Backend, {I64(step.Argument("Length"))}, $hostProfile)";
                case "HostRead":
                {
                    string? file = state.FileViewedBy((string)step.Argument("Mapping")!);
                    string offset = I64(step.Argument("Offset")), count = I32(step.Argument("Count"));
                    return file != null && (int)step.Argument("Count")! > 0
                        ? $"$null = Read-GmemMemory -File {Quote(file)} -Offset {offset} -Count {count}"
                        : $"$null = $lab.HostRead({Mapping()}, {offset}, {count})";
                }
                case "HostWrite":
                {
                    string? file = state.FileViewedBy((string)step.Argument("Mapping")!);
                    var data = (byte[])step.Argument("Data")!;
                    string offset = I64(step.Argument("Offset"));
                    return file != null && data.Length > 0
                        ? $"$null = Write-GmemMemory -File {Quote(file)} -Offset {offset} -Value {Bytes(data)} -Confirm:$false"
                        : $"$null = $lab.HostWrite({Mapping()}, {offset}, {Bytes(data)})";
                }
                case "Unmap":
                    return $"$null = $lab.Unmap({Mapping()})";
                case "GuestRead":
                    return $"$null = Invoke-GuestAccess -Vm {Id("Vm")} -Gpa {U64(step.Argument("Gpa"))} -Read {I32(step.Argument("Count"))}";
                case "GuestWrite":
                {
                    var data = (byte[])step.Argument("Data")!;
                    return data.Length > 0
                        ? $"$null = Invoke-GuestAccess -Vm {Id("Vm")} -Gpa {U64(step.Argument("Gpa"))} -Write {Bytes(data)} -Confirm:$false"
                        : $"$null = $lab.GuestWrite({Vm()}, {U64(step.Argument("Gpa"))}, {Bytes(data)})";
                }
                case "FileRead":
                    return $"$null = $lab.FileRead({File()}, {I32(step.Argument("Count"))})";
                case "FileWrite":
                    return $"$null = $lab.FileWrite({File()}, {Bytes((byte[])step.Argument("Data")!)})";
                case "FilePread":
                    return $"$null = $lab.FilePread({File()}, {I32(step.Argument("Count"))}, {I64(step.Argument("Offset"))})";
                case "FileTruncate":
                    return $"$null = $lab.FileTruncate({File()}, {I64(step.Argument("Length"))})";
                case "CloseFile":
                    return $"Close-GmemFile -File {Id("File")} -Confirm:$false";
                case "CloseVm":
                    return $"Remove-GmemVm -Vm {Id("Vm")} -Confirm:$false";
                case "CheckExtension":
                {
                    string name = ((Capability)step.Argument("Capability")!).ToString();
                    return step.Argument("Vm") is string
                        ? $"$null = Get-GmemCapability -Name {name} -Vm {Id("Vm")}"
                        : $"$null = Get-GmemCapability -Name {name} -Backend $Backend";
                }
                default:
                    throw new ScenarioFormatException("GmemScenarioStepUnsupported", $"\"{step.Kind}\" is not a scenario step.");
            }
        }

        /// <summary>
        /// A memslot request: Add-Memslot where it makes exactly this request (a guest_memfd bind of a file, or an
        /// anonymous slot at a given address), Remove-Memslot for the delete of an open slot, else the raw request.
        /// </summary>
        private static string Memslot(ScenarioStep step, ScriptState state)
        {
            var r = (UserMemoryRegion2)step.Argument("Region")!;
            string vm = Quote((string)step.Argument("Vm")!);
            string? file = step.Argument("File") as string;
            string? descriptorRef = step.Argument("GuestMemfdRef") as string;
            string? addressRef = step.Argument("UserspaceRef") as string;
            string address = addressRef != null ? $"(Resolve-ScenarioAddress {Quote(addressRef)})" : U64(r.UserspaceAddr);

            if (file != null && r.Flags == MemslotFlags.GuestMemfd)
                return $"$null = Add-Memslot -File {Quote(file)} -IntoVm {vm} -Gpa {U64(r.GuestPhysAddr)} -Size {U64(r.MemorySize)} "
                    + $"-Offset {U64(r.GuestMemfdOffset)} -Slot {r.Slot} -UserspaceAddress {address} -Confirm:$false";
            if (file == null && r.Flags == MemslotFlags.None && r.MemorySize != 0 && r.UserspaceAddr != 0 && r.GuestMemfdOffset == 0 && r.GuestMemfd == 0)
                return $"$null = Add-Memslot -Vm {vm} -Gpa {U64(r.GuestPhysAddr)} -Size {U64(r.MemorySize)} -Slot {r.Slot} -UserspaceAddress {address} -Confirm:$false";
            string slotId = $"{step.Argument("Vm")}/slot{r.Slot}";
            if (file == null && r.Equals(UserMemoryRegion2.Delete(r.Slot, r.Flags)) && state.IsOpenSlot(slotId)
                && (r.Flags == MemslotFlags.GuestMemfd || r.Flags == MemslotFlags.None))
                return $"Remove-Memslot -Memslot {Quote(slotId)} -Confirm:$false";

            string descriptor = descriptorRef != null ? $"(Resolve-ScenarioDescriptor {Quote(descriptorRef)})" : U32(r.GuestMemfd);
            string fileArgument = file == null ? "$null" : $"$lab.FindFile({Quote(file)})";
            return $"$null = $lab.SetMemslot($lab.FindVm({vm}), [GmemPS.Kernel.UserMemoryRegion2]::new({U32(r.Slot)}, {Enum(r.Flags)}, "
                + $"{U64(r.GuestPhysAddr)}, {U64(r.MemorySize)}, {address}, {U64(r.GuestMemfdOffset)}, {descriptor}), {fileArgument})";
        }

        private static string Quote(string text) => "'" + text.Replace("'", "''") + "'";

        private static string Bool(bool value) => value ? "$true" : "$false";

        /// <summary>A ulong literal (the ul suffix: PowerShell reads a bare 0x8000000000000000 as a negative long).</summary>
        private static string U64(object? value) => "0x" + ((ulong)value!).ToString("x", CultureInfo.InvariantCulture) + "ul";

        private static string U32(uint value) => $"([uint32]{value.ToString(CultureInfo.InvariantCulture)})";

        private static string I64(object? value)
        {
            long v = (long)value!;
            return v < 0 ? $"({v.ToString(CultureInfo.InvariantCulture)})" : v.ToString(CultureInfo.InvariantCulture);
        }

        private static string I32(object? value)
        {
            int v = (int)value!;
            return v < 0 ? $"({v.ToString(CultureInfo.InvariantCulture)})" : v.ToString(CultureInfo.InvariantCulture);
        }

        private static string Bytes(byte[] data) =>
            $"([Convert]::FromHexString('{string.Concat(data.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)))}'))";

        /// <summary>An enum value by [Enum]::ToObject, so bits without a name (the invalid flags a scenario tries) survive.</summary>
        private static string Enum(System.Enum value)
        {
            var type = value.GetType();
            var underlying = System.Enum.GetUnderlyingType(type);
            ulong bits = underlying == typeof(ulong) || underlying == typeof(uint)
                ? Convert.ToUInt64(value, CultureInfo.InvariantCulture)
                : unchecked((ulong)Convert.ToInt64(value, CultureInfo.InvariantCulture));
            return $"([Enum]::ToObject([{type.FullName}], 0x{bits.ToString("x", CultureInfo.InvariantCulture)}ul))";
        }
    }
}
