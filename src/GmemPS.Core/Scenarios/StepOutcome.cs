using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GmemPS.Contract;
using GmemPS.Kernel;
using GmemPS.Lab;

namespace GmemPS.Scenarios
{
    /// <summary>How a vCPU's access ended, as a scenario compares it.</summary>
    public sealed record GuestExitOutcome(ExitReason Reason, Errno RunErrno, ulong Gpa, ulong Size, MemoryFaultFlags Flags)
    {
        public static GuestExitOutcome Of(GuestAccessResult r) => new GuestExitOutcome(r.Exit, r.RunErrno, r.ExitGpa, r.FaultSize, r.FaultFlags);

        /// <summary>
        /// The same exit as the kernel would judge it: reason and KVM_RUN errno always; the gpa of an MMIO exit or a
        /// memory fault; a memory fault's size and flags. Other exits carry no gpa in kvm_run worth comparing.
        /// </summary>
        public bool SameAs(GuestExitOutcome other)
        {
            if (Reason != other.Reason || RunErrno != other.RunErrno) return false;
            if (Reason == ExitReason.Mmio) return Gpa == other.Gpa;
            if (Reason == ExitReason.MemoryFault) return Gpa == other.Gpa && Size == other.Size && Flags == other.Flags;
            return true;
        }

        public override string ToString() => Reason switch
        {
            ExitReason.Hlt when RunErrno == Errno.None => "completed",
            ExitReason.Mmio => $"KVM_EXIT_MMIO at {Hex.Address(Gpa)}",
            ExitReason.MemoryFault => $"KVM_EXIT_MEMORY_FAULT gpa {Hex.Address(Gpa)} size {Hex.Size(Size)} flags 0x{(ulong)Flags:x}, KVM_RUN {RunErrno}",
            _ => $"exit {Reason}, KVM_RUN {RunErrno}",
        };
    }

    /// <summary>One way two outcomes of the same step differ.</summary>
    public sealed class OutcomeDifference
    {
        public OutcomeDifference(string aspect, string left, string right)
        {
            Aspect = aspect;
            Left = left;
            Right = right;
        }

        /// <summary>Errno, Refusal, Result, Data, Exit, States or Fault.</summary>
        public string Aspect { get; }
        public string Left { get; }
        public string Right { get; }

        public override string ToString() => $"{Aspect}: {Left} <> {Right}";
    }

    /// <summary>
    /// What one step did: the errno (None on success), the rule the backend named, the result (a new object's id or
    /// a value), the data read, the guest exit, the lab's object states afterwards, and any fault (an unexpected
    /// exception or a broken simulator invariant — never acceptable).
    /// </summary>
    public sealed class StepOutcome
    {
        public StepOutcome(Errno errno = Errno.None, string? ruleId = null, string? result = null, byte[]? data = null,
            GuestExitOutcome? exit = null, string? states = null, string? fault = null)
        {
            Errno = errno;
            RuleId = ruleId;
            Result = result;
            Data = data;
            Exit = exit;
            States = states;
            Fault = fault;
        }

        public Errno Errno { get; }
        /// <summary>The rule the backend named: the simulator names the exact rule, the Kvm backend only what the errno allows.</summary>
        public string? RuleId { get; }
        public string? Result { get; }
        public byte[]? Data { get; }
        public GuestExitOutcome? Exit { get; }
        /// <summary>The lab's objects and their states after the step (<see cref="GmemLab.ObjectStates"/>); null when not captured.</summary>
        public string? States { get; }
        public string? Fault { get; }

        public bool Succeeded => Errno == Errno.None && RuleId == null && Fault == null;

        /// <summary>A refusal by the lab or the contract rather than the kernel (no errno): its id is backend independent.</summary>
        public bool RefusedByLab => Errno == Errno.None && RuleId != null;

        public StepOutcome WithStates(string? states) => new StepOutcome(Errno, RuleId, Result, Data, Exit, states, Fault);

        public StepOutcome WithResult(string? result) => new StepOutcome(Errno, RuleId, result, Data, Exit, States, Fault);

        public StepOutcome WithFault(string fault) =>
            new StepOutcome(Errno, RuleId, Result, Data, Exit, States, Fault == null ? fault : Fault + "; " + fault);

        /// <summary>The outcome a lab recorded for a step.</summary>
        public static StepOutcome Of(LabStep step)
        {
            switch (step.Result)
            {
                case GuestAccessResult r:
                    return new StepOutcome(step.Errno, step.RuleId, null, r.Completed && r.Data.Length > 0 ? r.Data : null, GuestExitOutcome.Of(r));
                case byte[] data:
                    return new StepOutcome(step.Errno, step.RuleId, null, data);
                case long value:
                    return new StepOutcome(step.Errno, step.RuleId, value.ToString(CultureInfo.InvariantCulture));
                case string id:
                    return new StepOutcome(step.Errno, step.RuleId, id);
                default:
                    return new StepOutcome(step.Errno, step.RuleId);
            }
        }

        /// <summary>
        /// Where this outcome and <paramref name="other"/> differ. Kernel refusals compare by errno only (the
        /// simulator names one rule, the kernel's errno may stand for several); lab refusals, which happen before
        /// any kernel call, compare by id. States compare only when both were captured.
        /// </summary>
        public IReadOnlyList<OutcomeDifference> DifferencesFrom(StepOutcome other)
        {
            var differences = new List<OutcomeDifference>();
            void Differ(string aspect, string left, string right) => differences.Add(new OutcomeDifference(aspect, left, right));

            if (Fault != null || other.Fault != null) Differ("Fault", Fault ?? "none", other.Fault ?? "none");
            if (Errno != other.Errno) Differ("Errno", Errno.ToString(), other.Errno.ToString());
            else if (Errno == Errno.None && RuleId != other.RuleId) Differ("Refusal", RuleId ?? "none", other.RuleId ?? "none");
            if (Result != other.Result) Differ("Result", Result ?? "none", other.Result ?? "none");
            if (!SameBytes(Data, other.Data)) Differ("Data", ScenarioValues.Bytes(Data), ScenarioValues.Bytes(other.Data));
            if ((Exit == null) != (other.Exit == null) || (Exit != null && !Exit.SameAs(other.Exit!)))
                Differ("Exit", Exit?.ToString() ?? "none", other.Exit?.ToString() ?? "none");
            if (States != null && other.States != null && States != other.States) Differ("States", States, other.States);
            return differences;
        }

        private static bool SameBytes(byte[]? a, byte[]? b) =>
            (a == null || a.Length == 0) ? (b == null || b.Length == 0) : b != null && a.SequenceEqual(b);

        public override string ToString()
        {
            string text;
            if (Errno != Errno.None) text = $"{Errno}{(RuleId == null ? string.Empty : $" ({RuleId})")}";
            else if (RuleId != null) text = $"refused: {RuleId}";
            else if (Exit != null) text = Exit + (Data == null ? string.Empty : $" {ScenarioValues.Bytes(Data)}");
            else if (Data != null) text = $"{Data.Length} bytes {ScenarioValues.Bytes(Data)}";
            else text = Result == null ? "ok" : $"ok -> {Result}";
            return Fault == null ? text : $"{text} [FAULT: {Fault}]";
        }
    }

    /// <summary>How scenario values read in messages: 64-bit numbers in hex, bytes as hex (long runs shortened).</summary>
    public static class ScenarioValues
    {
        public static string Bytes(byte[]? data)
        {
            if (data == null || data.Length == 0) return "(none)";
            const int shown = 16;
            string hex = string.Concat(data.Take(shown).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
            return data.Length <= shown ? hex : $"{hex}… ({data.Length} bytes)";
        }

        public static string Show(object? value) => value switch
        {
            null => "null",
            ulong u => Hex.Address(u),
            byte[] b => Bytes(b),
            string s => s,
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? string.Empty,
        };
    }
}
