using GmemPS.Kvm.Native;

namespace GmemPS.Kvm
{
    /// <summary>
    /// The register state that puts the guest-access vCPU in 64-bit mode at the copy stub. Measured on this
    /// kvm_pvm host: real mode, 32-bit protected mode and 64-bit paging all run; 64-bit is used because it
    /// reaches every gpa below MAXPHYADDR (real mode stops at 1 MiB, or 4 GiB with a 4 GiB ds limit).
    /// </summary>
    internal static class LongModeState
    {
        private const ulong Cr0ProtectionEnable = 1UL << 0, Cr0ExtensionType = 1UL << 4, Cr0Paging = 1UL << 31;
        private const ulong Cr4Pae = 1UL << 5;
        private const ulong EferLongModeEnable = 1UL << 8, EferLongModeActive = 1UL << 10;
        private const byte CodeExecuteReadAccessed = 11, DataReadWriteAccessed = 3;

        /// <summary>Starts from the vCPU's reset sregs (tr, ldt, gdt, idt stay as KVM made them) and switches to long mode.</summary>
        public static KvmSregs Sregs(KvmSregs reset, ulong pageTableRoot)
        {
            KvmSregs s = reset;
            s.Cr0 = Cr0ProtectionEnable | Cr0ExtensionType | Cr0Paging;
            s.Cr3 = pageTableRoot;
            s.Cr4 = Cr4Pae;
            s.Efer = EferLongModeEnable | EferLongModeActive;
            s.Cs = Segment(selector: 0x08, CodeExecuteReadAccessed, longMode: 1, defaultBig: 0);
            KvmSegment data = Segment(selector: 0x10, DataReadWriteAccessed, longMode: 0, defaultBig: 1);
            s.Ds = data; s.Es = data; s.Fs = data; s.Gs = data; s.Ss = data;
            return s;
        }

        private static KvmSegment Segment(ushort selector, byte type, byte longMode, byte defaultBig) => new KvmSegment
        {
            Base = 0, Limit = 0xFFFF_FFFF, Selector = selector, Type = type, Present = 1, Dpl = 0, Db = defaultBig, S = 1, L = longMode, G = 1,
        };

        /// <summary>rip at the stub, rsi/rdi/rcx its operands, interrupts off (rflags bit 1 is always set).</summary>
        public static KvmRegs Registers(ulong source, ulong destination, ulong count) => new KvmRegs
        {
            Rip = ScratchMemory.CodeVirtual, Rsi = source, Rdi = destination, Rcx = count, Rflags = 0x2,
        };
    }
}
