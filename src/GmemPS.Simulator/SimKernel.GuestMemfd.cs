using GmemPS.Designs;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Simulator.Objects;

namespace GmemPS.Simulator
{
    // KVM_CREATE_GUEST_MEMFD (§2.1), fallocate (§2.4) and the refused file operations (§2.6).
    internal sealed partial class SimKernel
    {
        public (SimGmemFile File, int Fd) CreateGuestMemfd(SimKvm kvm, CreateGuestMemfdRequest request)
        {
            CheckCreate(KernelOperation.CreateGuestMemfd, request, SupportedGmemFlags(kvm));
            // Seed A's alternative: the file takes no VM reference and has no owner until its first bind.
            var (file, fd) = NewFile(kvm.Designs.PinModel == PinModel.FilePinsVm ? kvm : null, request, kvm.Designs);
            if (file.Owner == null)
                Emit(new GuestMemfdCreatedUnowned(file.Inode.Number, request.Size, request.Flags, kvm.Id, DesignDecisions.SlotPinsFile));
            else
                Emit(new GuestMemfdCreated(kvm.Id, file.Inode.Number, request.Size, request.Flags));
            return (file, fd);
        }

        /// <summary>kvm_gmem_create's checks: flags before size.</summary>
        private static void CheckCreate(KernelOperation op, CreateGuestMemfdRequest request, GuestMemfdFlags supported)
        {
            if ((request.Flags & ~supported) != 0)
                throw Refuse(op, KernelRules.GmemFlagsUnsupported, request,
                    $"flags 0x{(ulong)request.Flags:x}, supported 0x{(ulong)supported:x}");
            if ((long)request.Size <= 0 || request.Size % (ulong)KvmLimits.PageSize != 0)
                throw Refuse(op, KernelRules.GmemSizeInvalid, request, $"size {Hex.Address(request.Size)}");
        }

        /// <summary>A new inode and its first view, with the fd; the file pins <paramref name="owner"/> when the design says so.</summary>
        private (SimGmemFile File, int Fd) NewFile(SimKvm? owner, CreateGuestMemfdRequest request, DesignPolicies designs)
        {
            var inode = new SimGmemInode(nextInode++, request.Size, request.Flags);
            InitPageStates(inode, designs);
            return AddView(owner, inode, designs);
        }

        /// <summary>A file (view) over an inode, with its fd.</summary>
        private (SimGmemFile File, int Fd) AddView(SimKvm? owner, SimGmemInode inode, DesignPolicies designs)
        {
            var file = new SimGmemFile(owner, inode, designs) { References = 1 };
            if (file.PinsOwner) owner!.UsersCount++;
            liveFiles.Add(file);
            return (file, InstallDescriptor(file));
        }

        public void Fallocate(SimGmemFile file, FallocateRequest request)
        {
            var op = KernelOperation.Fallocate;
            var mode = request.Mode;
            // vfs_fallocate first.
            if (request.Offset < 0 || request.Length <= 0)
                throw Refuse(op, KernelRules.FallocateRangeNegative, request, $"offset {request.Offset}, length {request.Length}");
            if (!VfsModeAccepted(mode))
                throw Refuse(op, KernelRules.FallocateModeUnsupported, request, $"mode 0x{(int)mode:x} is refused by the VFS");
            if (request.Offset + request.Length < 0)
                throw Refuse(op, KernelRules.FallocateTooBig, request, "offset + length overflows loff_t");
            // kvm_gmem_fallocate.
            if ((mode & FallocateMode.KeepSize) == 0 || (mode & ~(FallocateMode.KeepSize | FallocateMode.PunchHole)) != 0)
                throw Refuse(op, KernelRules.FallocateModeUnsupported, request, $"mode 0x{(int)mode:x}");
            if (request.Offset % KvmLimits.PageSize != 0 || request.Length % KvmLimits.PageSize != 0)
                throw Refuse(op, KernelRules.FallocateUnaligned, request, $"offset {Hex.Signed(request.Offset)}, length {Hex.Signed(request.Length)}");
            ulong start = (ulong)request.Offset >> KvmLimits.PageShift;
            ulong end = (ulong)(request.Offset + request.Length) >> KvmLimits.PageShift;
            if ((mode & FallocateMode.PunchHole) != 0)
            {
                PunchHole(file, start, end);
                return;
            }
            if ((ulong)(request.Offset + request.Length) > file.Inode.Size)
                throw Refuse(op, KernelRules.FallocateBeyondEof, request,
                    $"end {Hex.Address((ulong)(request.Offset + request.Length))} > size {Hex.Address(file.Inode.Size)}");
            ulong added = file.Inode.Allocate(start, end);
            Emit(new PagesAllocated(file.Inode.Number, start, end, added));
        }

        /// <summary>The VFS's mode filter: one mode at most, PUNCH_HOLE needs KEEP_SIZE, COLLAPSE/INSERT refuse it.</summary>
        private static bool VfsModeAccepted(FallocateMode mode)
        {
            const int known = 0x01 | 0x02 | 0x08 | 0x10 | 0x20 | 0x40 | 0x80;
            if (((int)mode & ~known) != 0) return false;
            int exclusive = (int)mode & ~(int)FallocateMode.KeepSize;
            bool keep = (mode & FallocateMode.KeepSize) != 0;
            switch (exclusive)
            {
                case 0:
                case (int)FallocateMode.ZeroRange:
                case (int)FallocateMode.UnshareRange:
                    return true;
                case (int)FallocateMode.PunchHole:
                    return keep;
                case (int)FallocateMode.CollapseRange:
                case (int)FallocateMode.InsertRange:
                case 0x80: // FALLOC_FL_WRITE_ZEROES
                    return !keep;
                default:
                    return false;
            }
        }

        /// <summary>
        /// kvm_gmem_punch_hole: zap every binding that meets [start, end) — exact gfn ranges, clamped to
        /// the slot — then truncate the pages. Always succeeds, even past the end of the file.
        /// </summary>
        private void PunchHole(SimGmemFile file, ulong start, ulong end)
        {
            Invalidate(file, start, end, InvalidationCause.PunchHole);
            RemovePendingPages(file.Inode, start, end);
            ulong freed = file.Inode.Truncate(start, end);
            if (freed > 0) Emit(new PagesFreed(file.Inode.Number, start, end, freed));
        }

        /// <summary>__kvm_gmem_invalidate_begin: file pages → gfn ranges per slot, in every view of the inode.</summary>
        private void Invalidate(SimGmemFile file, ulong start, ulong end, InvalidationCause cause)
        {
            // Invalidation adds and drops no view, so the inode's list is walked as it is (no copy per punch).
            var views = file.Inode.Views;
            for (int v = 0; v < views.Count; v++)
            {
                var view = views[v];
                if (view.Owner != null && !view.Owner.Designs.InvalidatesLikeUpstream)
                {
                    InvalidateByDesign(view, view.Owner, start, end, cause);
                    continue;
                }
                foreach (var binding in view.Bindings.Within(start, end))
                {
                    var slot = binding.Value;
                    if (slot.Freed)
                    {
                        ReportStaleBinding(view, slot, "kvm_gmem_punch_hole, walking the bindings to zap them,");
                        continue;
                    }
                    var (first, last) = ClampedGfns(slot, start, end);
                    if (first < last) Zap(view.Owner!, slot, first, last, cause);
                }
            }
        }

        /// <summary>The gfns of file pages [start, end) in a slot: base_gfn + max(pgoff, s) − pgoff … base_gfn + min(pgoff + npages, e) − pgoff.</summary>
        private static (ulong First, ulong Last) ClampedGfns(SimMemslot slot, ulong start, ulong end)
        {
            ulong pgoff = slot.PageOffset;
            ulong first = System.Math.Max(pgoff, start);
            ulong last = System.Math.Min(pgoff + slot.Pages, end);
            return first >= last ? (0UL, 0UL) : (slot.BaseGfn + first - pgoff, slot.BaseGfn + last - pgoff);
        }

        /// <summary>kvm_mmu_invalidate: the guest loses its mappings of [start, end), including any a design left stale.</summary>
        private void Zap(SimKvm kvm, SimMemslot slot, ulong start, ulong end, InvalidationCause cause)
        {
            if (kvm.StaleGfns.Count > 0) kvm.StaleGfns.Clear(start, end);
            Emit(new Invalidated(kvm.Id, slot.Id, start, end, cause));
        }

        public static int RefuseRead(object request) =>
            throw Refuse(KernelOperation.FileRead, KernelRules.FileReadNotSupported, request, "guest_memfd file_operations have no .read");

        public static int RefuseWrite(object request) =>
            throw Refuse(KernelOperation.FileWrite, KernelRules.FileWriteNotSupported, request, "guest_memfd file_operations have no .write");

        /// <summary>pread64: a negative offset is refused before the file is even looked at, then the file is not FMODE_PREAD.</summary>
        public static int RefusePread(object request, long offset) =>
            throw (offset < 0
                ? Refuse(KernelOperation.FilePread, KernelRules.FilePreadOffsetNegative, request, $"offset {offset}")
                : Refuse(KernelOperation.FilePread, KernelRules.FilePreadNotSupported, request, "the file is not FMODE_PREAD"));

        public static void RefuseTruncate(object request) =>
            throw Refuse(KernelOperation.FileTruncate, KernelRules.FileTruncateNotSupported, request, "kvm_gmem_setattr returns -EINVAL");
    }
}
