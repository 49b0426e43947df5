using GmemPS.Kernel;
using GmemPS.Lab;

namespace GmemPS.Infrastructure
{
    /// <summary>How -WhatIf and -Confirm name the object a cmdlet is about to change.</summary>
    public static class Targets
    {
        public static string Of(LabVm vm) => $"{vm.Id} ({vm.Backend} VM, fd {vm.Fd})";

        public static string Of(LabFile file) =>
            $"{file.Id} (guest_memfd fd {file.Fd} of {file.Vm?.Id ?? "no VM"}, {Hex.Size((ulong)file.Size)})";

        public static string Of(LabMemslot slot) =>
            $"{slot.Id} (gpa {Hex.Address(slot.Gpa)}, {Hex.Size(slot.Size)}{(slot.File == null ? string.Empty : ", " + slot.File.Id + " offset " + Hex.Address(slot.Offset))})";

        public static string Range(LabVm vm, ulong gpa, ulong size) =>
            $"{vm.Id} gpa [{Hex.Address(gpa)}, {Hex.Address(gpa + size)}) ({Hex.Size(size)})";

        public static string FileRange(LabFile file, long offset, long length) =>
            $"{file.Id} [{Hex.Signed(offset)}, {Hex.Signed(offset + length)}) ({(length < 0 ? Hex.Signed(length) : Hex.Size((ulong)length))})";
    }
}
