using System;
using GmemPS.Kernel;
using GmemPS.Kvm.Handles;
using GmemPS.Kvm.Native;

namespace GmemPS.Kvm
{
    /// <summary>
    /// The guest-access vCPU's own memory: ordinary anonymous memory (never guest_memfd), so the host may
    /// touch it directly. Page by page:
    ///   0 code stub, 1 data buffer, 2 PML4, 3 PDPT, 4 PD, 5 PT, 6-7 unused.
    /// The guest runs in 64-bit mode with virtual addresses 0x0000-0x7FFF mapped onto these pages and one
    /// more page, the target window at <see cref="TargetWindow"/>, mapped onto the gpa being accessed.
    /// So any gpa the CPU can address is reachable, and nothing but this window refers to user memory.
    /// </summary>
    internal sealed unsafe class ScratchMemory : IDisposable
    {
        public const int Pages = 8;
        public const ulong Size = Pages * (ulong)KvmLimits.PageSize;
        private const int PageSize = (int)KvmLimits.PageSize;

        public const ulong CodeVirtual = 0x0000;
        public const ulong BufferVirtual = 0x1000;
        public const ulong TargetWindow = Pages * (ulong)KvmLimits.PageSize;
        private const int Pml4Page = 2, PdptPage = 3, PdPage = 4, PtPage = 5;
        private const ulong Present = 1, Writable = 2;

        /// <summary>
        /// Copies rcx bytes from [rsi] to [rdi] one at a time, then halts:
        ///   0: jrcxz 17 ; 2: mov al,[rsi] ; 4: mov [rdi],al ; 6: inc rsi ; 9: inc rdi ; 12: dec rcx ; 15: jnz 2 ; 17: hlt
        /// A byte loop rather than rep movsb: an MMIO exit then leaves exactly one instruction half done,
        /// which a single immediate-exit KVM_RUN finishes before the next access.
        /// </summary>
        private static readonly byte[] CopyStub =
        {
            0xE3, 0x0F,             // jrcxz +15
            0x8A, 0x06,             // mov al, [rsi]
            0x88, 0x07,             // mov [rdi], al
            0x48, 0xFF, 0xC6,       // inc rsi
            0x48, 0xFF, 0xC7,       // inc rdi
            0x48, 0xFF, 0xC9,       // dec rcx
            0x75, 0xF1,             // jnz -15
            0xF4,                   // hlt
        };

        private readonly MappingHandle memory;

        private ScratchMemory(MappingHandle memory) { this.memory = memory; }

        public static ScratchMemory Allocate()
        {
            IntPtr address = Libc.mmapAnonymous(IntPtr.Zero, (nuint)Size, Libc.PROT_READ | Libc.PROT_WRITE,
                Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0);
            if (address == Libc.MAP_FAILED) throw Errors.LastRefused(KernelOperation.GuestAccess, "mmap of the scratch memory");
            var scratch = new ScratchMemory(new MappingHandle(address, (long)Size));
            fixed (byte* stub = CopyStub) Buffer.MemoryCopy(stub, scratch.Base + CodeVirtual, PageSize, CopyStub.Length);
            return scratch;
        }

        public ulong HostAddress => (ulong)memory.DangerousGetHandle().ToInt64();
        private byte* Base => (byte*)memory.DangerousGetHandle();
        private ulong* Table(int page) => (ulong*)(Base + page * PageSize);

        /// <summary>Rebuilds the four-level tables for this placement and target (both may change per access).</summary>
        public void MapPages(ulong scratchGpa, ulong targetGpa)
        {
            for (int page = Pml4Page; page <= PtPage; page++)
                for (int entry = 0; entry < PageSize / sizeof(ulong); entry++) Table(page)[entry] = 0;
            Table(Pml4Page)[0] = (scratchGpa + (ulong)(PdptPage * PageSize)) | Present | Writable;
            Table(PdptPage)[0] = (scratchGpa + (ulong)(PdPage * PageSize)) | Present | Writable;
            Table(PdPage)[0] = (scratchGpa + (ulong)(PtPage * PageSize)) | Present | Writable;
            for (int page = 0; page < Pages; page++) Table(PtPage)[page] = (scratchGpa + (ulong)(page * PageSize)) | Present | Writable;
            Table(PtPage)[Pages] = (targetGpa & ~(ulong)(PageSize - 1)) | Present | Writable;
        }

        public ulong PageTableRoot(ulong scratchGpa) => scratchGpa + (ulong)(Pml4Page * PageSize);

        public void FillBuffer(byte[] data)
        {
            fixed (byte* source = data) Buffer.MemoryCopy(source, Base + BufferVirtual, PageSize, data.Length);
        }

        public byte[] TakeBuffer(int length)
        {
            var data = new byte[length];
            fixed (byte* destination = data) Buffer.MemoryCopy(Base + BufferVirtual, destination, length, length);
            return data;
        }

        public void Dispose() => memory.Dispose();
    }
}
