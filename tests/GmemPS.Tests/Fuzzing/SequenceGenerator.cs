using System;
using System.Collections.Generic;
using System.Linq;
using GmemPS.Kernel;
using GmemPS.Scenarios;

namespace GmemPS.Tests.Fuzzing
{
    /// <summary>
    /// A seeded generator of operation sequences over the whole contract, biased towards the values where rules
    /// change their answer: 0, one page, one byte off a page, the end of the file, 2^63, slot 32763/32764,
    /// gpa ranges that overlap by one page. The same seed gives the same sequence (given the same outcomes).
    /// <para>
    /// It never asks the real kernel for much memory: allocations, memslots and anonymous mappings that would be
    /// accepted stay small (an accepted 1 TiB memslot costs gigabytes of rmap on a shadow-paging host), so only
    /// requests the kernel refuses up front carry the huge values.
    /// </para>
    /// </summary>
    internal sealed class SequenceGenerator
    {
        private const ulong Page = 4096;
        private const ulong TwoMiB = 2UL << 20;
        private const ulong FourGiB = 1UL << 32;
        /// <summary>The largest accepted memslot or mapping the generator makes (64 MiB).</summary>
        private const ulong SmallLimit = 64UL << 20;
        private const int MaxVms = 3;
        private const int MaxFiles = 6;

        private readonly Random random;

        public SequenceGenerator(int seed)
        {
            random = new Random(seed);
            Model = new FuzzModel();
        }

        public FuzzModel Model { get; }

        /// <summary>The next step, chosen from what exists so far.</summary>
        public ScenarioStep Next()
        {
            if (!Model.OpenVms.Any() && (Model.Vms.Count < MaxVms || Chance(0.5))) return CreateVm();
            if (!Model.OpenFiles.Any() && Chance(0.7) && Model.Files.Count < MaxFiles) return CreateFile();
            int roll = random.Next(100);
            if (roll < 4) return Model.Vms.Count < MaxVms ? CreateVm() : CheckExtension();
            if (roll < 12) return Model.Files.Count < MaxFiles ? CreateFile() : Fallocate();
            if (roll < 30) return SetMemslot();
            if (roll < 40) return Fallocate();
            if (roll < 47) return Map();
            if (roll < 49) return MapAnonymous();
            if (roll < 58) return HostAccess();
            if (roll < 72) return GuestAccess();
            if (roll < 75) return FileOperation();
            if (roll < 78) return Unmap();
            if (roll < 83) return CloseFile();
            if (roll < 86) return CloseVm();
            if (roll < 88) return SetAttributes();
            if (roll < 92) return DeleteSlot();
            return CheckExtension();
        }

        // ---- choices ----

        private bool Chance(double p) => random.NextDouble() < p;

        private T OneOf<T>(params T[] options) => options[random.Next(options.Length)];

        /// <summary>Usually <paramref name="usual"/>, otherwise one of the boundaries.</summary>
        private T Mostly<T>(double p, T usual, params T[] boundaries) => Chance(p) ? usual : OneOf(boundaries);

        private T? Any<T>(IEnumerable<T> items) where T : class
        {
            var list = items.ToList();
            return list.Count == 0 ? null : list[random.Next(list.Count)];
        }

        private ulong PageIn(ulong size) => size < Page ? 0 : (ulong)random.Next((int)Math.Min(size / Page, 512)) * Page;

        private static Dictionary<string, object?> Args(params (string Name, object? Value)[] values) =>
            values.Where(v => v.Value != null).ToDictionary(v => v.Name, v => v.Value);

        private static ScenarioStep Step(string kind, params (string Name, object? Value)[] values) => new ScenarioStep(kind, Args(values));

        private string VmId() =>
            (Chance(0.9) ? Any(Model.OpenVms) : null)?.Id ?? Any(Model.Vms)?.Id ?? OneOf("vm0", "vm9");

        private FuzzModel.File? PickFile(bool preferOpen = true) =>
            (preferOpen && Chance(0.9) ? Any(Model.OpenFiles) : null) ?? Any(Model.Files);

        // ---- steps ----

        private ScenarioStep CreateVm() =>
            Step("CreateVm", ("Type", Mostly(0.9, 0UL, 1UL, 2UL, 5UL, 64UL, 1UL << 63)));

        private ScenarioStep CreateFile()
        {
            ulong size = Chance(0.75)
                ? OneOf(Page, 2 * Page, 16 * Page, TwoMiB, TwoMiB, 2 * TwoMiB)
                : OneOf(0UL, 1UL, Page - 1, Page + 1, 1UL << 40, 1UL << 62, (1UL << 63) - Page, 1UL << 63, ulong.MaxValue - Page + 1);
            var flags = Chance(0.85)
                ? OneOf(GuestMemfdFlags.None, GuestMemfdFlags.Mmap, GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared,
                    GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared, GuestMemfdFlags.InitShared)
                : (GuestMemfdFlags)OneOf(4UL, 5UL, 7UL, 1UL << 63, 8UL);
            ulong reserved = Mostly(0.95, 0UL, 1UL, ulong.MaxValue);
            return Step("CreateFile", ("Vm", VmId()), ("Size", size), ("Flags", flags), ("Reserved0", reserved));
        }

        private ScenarioStep SetMemslot()
        {
            string vm = VmId();
            var slotsOfVm = Model.Slots.Where(s => s.Vm == vm).ToList();
            uint id = Chance(0.7) ? LowestFree(slotsOfVm) : OneOf(slotsOfVm.Count > 0 ? slotsOfVm[0].Id : 0u, 1u, 32763u, 32764u, 65535u, 0x10000u, 0x10001u, 0x20000u);
            var flags = Chance(0.7) ? MemslotFlags.GuestMemfd
                : OneOf(MemslotFlags.None, MemslotFlags.None, MemslotFlags.ReadOnly, MemslotFlags.LogDirtyPages,
                    MemslotFlags.GuestMemfd | MemslotFlags.ReadOnly, MemslotFlags.GuestMemfd | MemslotFlags.LogDirtyPages, (MemslotFlags)8, (MemslotFlags)0x13);
            bool gmem = (flags & MemslotFlags.GuestMemfd) != 0;
            var file = gmem ? PickFile() : null;
            ulong fileSize = file?.Size ?? TwoMiB;

            ulong offset = 0;
            if (gmem)
                offset = Chance(0.7) ? (Chance(0.5) ? 0 : PageIn(fileSize))
                    : OneOf(Page, 1UL, Page - 1, fileSize, fileSize - Page, fileSize + Page, 1UL << 63, (1UL << 63) - Page, ulong.MaxValue - Page + 1);
            ulong size = Chance(0.75)
                ? Small(gmem ? Math.Min(fileSize - Math.Min(offset, fileSize), SmallLimit) : OneOf(Page, 16 * Page, TwoMiB))
                : OneOf(0UL, Page, Page + 1, 2 * TwoMiB, 1UL << 43, 1UL << 63, ulong.MaxValue - Page + 1);
            ulong gpa = Gpa(slotsOfVm);

            (string? Ref, ulong Literal) userspace = Userspace(file, offset, size, gmem);
            string? descriptor = null;
            string? fileId = null;
            if (gmem)
            {
                if (file != null && Chance(0.85)) fileId = file.Id;
                else descriptor = OneOf("kvm", "vm:" + vm, "-1", "1000000", file == null ? "kvm" : "file:" + file.Id);
            }
            var region = new UserMemoryRegion2(id, flags, gpa, size, userspace.Literal, offset, 0);
            return Step("SetMemslot", ("Vm", vm), ("Region", region), ("File", fileId),
                ("GuestMemfdRef", fileId != null ? "file:" + fileId : descriptor ?? "0"), ("UserspaceRef", userspace.Ref));
        }

        /// <summary>A size the kernel may accept: at most <see cref="SmallLimit"/>, usually the whole range asked for.</summary>
        private ulong Small(ulong limit)
        {
            limit = Math.Min(limit, SmallLimit);
            if (limit < Page) return Page;
            return Chance(0.5) ? limit & ~(Page - 1) : Math.Max(Page, PageIn(limit + Page));
        }

        private static uint LowestFree(List<FuzzModel.Slot> slots)
        {
            uint id = 0;
            while (slots.Any(s => s.Id == id)) id++;
            return id;
        }

        private ulong Gpa(List<FuzzModel.Slot> slotsOfVm)
        {
            var near = Any(slotsOfVm);
            if (near != null && Chance(0.4))
                return OneOf(near.Gpa, near.Gpa + near.Size, near.Gpa + near.Size - Page, near.Gpa - Page, near.Gpa + Page, near.Gpa + 1);
            return Chance(0.7)
                ? OneOf(0UL, FourGiB, TwoMiB, 2 * FourGiB, 16 * Page)
                : OneOf(Page, 1UL, 1UL << 52, 1UL << 63, ulong.MaxValue - Page + 1, FourGiB - Page);
        }

        /// <summary>userspace_addr: a mapping of this process (often the file's own), 0, or an address access_ok judges.</summary>
        private (string? Ref, ulong Literal) Userspace(FuzzModel.File? file, ulong offset, ulong size, bool gmem)
        {
            var view = file == null ? null : Any(Model.OpenMappings.Where(m => m.File == file.Id && m.Offset == 0));
            if (view != null && Chance(0.7)) return ($"{view.Id}+0x{Math.Min(offset, (ulong)view.Length):x}", 0);
            var any = Any(Model.Mappings);
            if (any != null && Chance(gmem ? 0.3 : 0.8)) return ($"{any.Id}+0x{(Chance(0.8) ? 0 : OneOf(Page, 1UL)):x}", 0);
            return (null, Chance(0.6) ? 0 : OneOf(1UL, 0x7ffffffff000UL, 0x800000000000UL, 0x00fffffffffff000UL, 0xffff800000000000UL));
        }

        private ScenarioStep DeleteSlot()
        {
            var slot = Any(Model.Slots);
            string vm = slot?.Vm ?? VmId();
            uint id = slot?.Id ?? OneOf(0u, 5u, 32764u);
            var flags = Mostly(0.8, MemslotFlags.GuestMemfd, MemslotFlags.None, MemslotFlags.ReadOnly);
            return Step("SetMemslot", ("Vm", vm), ("Region", UserMemoryRegion2.Delete(id, flags)), ("GuestMemfdRef", "-1"));
        }

        private ScenarioStep Fallocate()
        {
            var file = PickFile();
            ulong size = file?.Size ?? TwoMiB;
            var mode = Chance(0.8)
                ? OneOf(FallocateMode.KeepSize, FallocateMode.KeepSize | FallocateMode.PunchHole, FallocateMode.KeepSize | FallocateMode.PunchHole)
                : OneOf(FallocateMode.Allocate, FallocateMode.PunchHole, FallocateMode.ZeroRange, FallocateMode.KeepSize | FallocateMode.ZeroRange,
                    FallocateMode.CollapseRange, FallocateMode.InsertRange, FallocateMode.UnshareRange, (FallocateMode)0x80, (FallocateMode)0x100,
                    FallocateMode.KeepSize | FallocateMode.CollapseRange);
            long offset = Chance(0.7) ? (long)PageIn(size)
                : OneOf(-(long)Page, 1L, (long)Page - 1, (long)Math.Min(size, long.MaxValue), (long)Math.Min(size, long.MaxValue) - (long)Page,
                    (long)Math.Min(size + Page, long.MaxValue), long.MaxValue - (long)Page + 1, long.MaxValue);
            long length = Chance(0.7) ? (long)(Page * (ulong)random.Next(1, 17))
                : OneOf(0L, -(long)Page, 1L, (long)Page + 1, (long)Math.Min(size, long.MaxValue), long.MaxValue, (long)Page * 2);
            // An allocation the kernel would accept stays small: 64 pages at most.
            bool accepted = (mode == FallocateMode.KeepSize) && offset >= 0 && length > 0 && offset % (long)Page == 0 && length % (long)Page == 0
                && (ulong)offset + (ulong)length <= size;
            if (accepted && length > 64 * (long)Page) length = 64 * (long)Page;
            return Step("Fallocate", ("File", file?.Id ?? "gmem9"), ("Request", new FallocateRequest(mode, offset, length)));
        }

        private ScenarioStep Map()
        {
            var file = PickFile();
            ulong size = file?.Size ?? TwoMiB;
            long offset = Chance(0.8) ? (Chance(0.6) ? 0 : (long)PageIn(size))
                : OneOf(1L, -(long)Page, (long)Math.Min(size, long.MaxValue), (long)Math.Min(size + Page, long.MaxValue), long.MaxValue - (long)Page + 1);
            long length = Chance(0.8)
                ? (long)Math.Min(Math.Max(Page, size - Math.Min((ulong)Math.Max(offset, 0), size)), SmallLimit)
                : OneOf(0L, 1L, (long)Page + 1, -1L, -(long)Page, (long)(size + Page), 1L << 47, long.MaxValue);
            bool shared = Chance(0.9);
            bool hostView = offset == 0 && shared && Chance(0.3);
            return Step("Map", ("File", file?.Id ?? "gmem9"), ("Request", new MapRequest(offset, length, shared)), ("HostView", hostView));
        }

        private ScenarioStep MapAnonymous() =>
            Step("MapAnonymous", ("Length", Chance(0.85) ? OneOf((long)Page, 16 * (long)Page, (long)TwoMiB, (long)Page + 1) : OneOf(0L, -1L, -(long)Page)));

        private ScenarioStep Unmap()
        {
            var mapping = (Chance(0.85) ? Any(Model.OpenMappings) : null) ?? Any(Model.Mappings);
            return Step("Unmap", ("Mapping", mapping?.Id ?? "map9"));
        }

        private ScenarioStep HostAccess()
        {
            var mapping = (Chance(0.85) ? Any(Model.OpenMappings) : null) ?? Any(Model.Mappings);
            if (mapping == null) return Map();
            long length = mapping.Length;
            int count = Chance(0.8) ? OneOf(1, 4, 8, 16) : OneOf(0, 4096, 4097, 8192);
            // Where the file ends inside the mapping, an access across that end: its first part could land before the refusal.
            var file = mapping.File == null ? null : Model.Files.FirstOrDefault(f => f.Id == mapping.File);
            long eof = file == null ? -1 : (long)Math.Min(file.Size, long.MaxValue) - mapping.Offset;
            long offset = Chance(0.7)
                ? (long)PageIn((ulong)Math.Max(length, 0)) + random.Next(0, 64)
                : eof > 2 && eof < length && Chance(0.3) ? eof - 2
                : OneOf(0L, length - 1, length - 4, length, length + 1, (long)Page - 2, -1L, length - (long)Page);
            if (Chance(0.5))
            {
                var data = new byte[count];
                random.NextBytes(data);
                return Step("HostWrite", ("Mapping", mapping.Id), ("Offset", offset), ("Data", data));
            }
            return Step("HostRead", ("Mapping", mapping.Id), ("Offset", offset), ("Count", count));
        }

        /// <summary>
        /// A guest access where its outcome depends on the scenario alone: inside the part of a slot whose host addresses
        /// the scenario owns (<see cref="FuzzModel.OwnedBytes"/>), or at a gpa no slot of the VM covers.
        /// </summary>
        private ScenarioStep GuestAccess()
        {
            string vm = VmId();
            var slotsOfVm = Model.Slots.Where(s => s.Vm == vm).ToList();
            var owned = slotsOfVm.Select(s => (Slot: s, Bytes: Model.OwnedBytes(s))).Where(o => o.Bytes > 0).ToList();
            ulong gpa;
            if (owned.Count > 0 && Chance(0.8))
            {
                var (slot, bytes) = owned[random.Next(owned.Count)];
                gpa = slot.Gpa + PageIn(bytes) + (ulong)random.Next(0, 4000);
            }
            else
            {
                gpa = OneOf(0UL, FourGiB, 0x1000UL, 0xffeUL, FourGiB - 1, 1UL << 47, 1UL << 52, 1UL << 63, ulong.MaxValue);
                // Inside a slot but outside what the scenario owns: the access would read whatever the process has there.
                if (slotsOfVm.Any(s => gpa >= s.Gpa && gpa - s.Gpa < s.Size && gpa - s.Gpa >= Model.OwnedBytes(s))) gpa = 1UL << 63;
            }
            int count = Chance(0.85) ? OneOf(1, 2, 4, 8) : OneOf(0, 4096, 4097, 64);
            if (Chance(0.5))
            {
                var data = new byte[Math.Max(0, count)];
                random.NextBytes(data);
                return Step("GuestWrite", ("Vm", vm), ("Gpa", gpa), ("Data", data));
            }
            return Step("GuestRead", ("Vm", vm), ("Gpa", gpa), ("Count", count));
        }

        private ScenarioStep FileOperation()
        {
            string file = PickFile()?.Id ?? "gmem9";
            switch (random.Next(4))
            {
                case 0: return Step("FileRead", ("File", file), ("Count", OneOf(0, 1, 4096, -1)));
                case 1: return Step("FileWrite", ("File", file), ("Data", new byte[OneOf(0, 1, 8)]));
                case 2: return Step("FilePread", ("File", file), ("Count", OneOf(0, 1, 4096)), ("Offset", OneOf(0L, 4096L, -1L)));
                default: return Step("FileTruncate", ("File", file), ("Length", OneOf(0L, 4096L, (long)TwoMiB, -1L)));
            }
        }

        private ScenarioStep CloseFile() => Step("CloseFile", ("File", PickFile(preferOpen: Chance(0.85))?.Id ?? "gmem9"));

        private ScenarioStep CloseVm() => Step("CloseVm", ("Vm", (Chance(0.85) ? Any(Model.OpenVms) : Any(Model.Vms))?.Id ?? "vm9"));

        private ScenarioStep SetAttributes() =>
            Step("SetAttributes", ("Vm", VmId()), ("Request", new MemoryAttributesRequest(OneOf(0UL, 1UL, FourGiB), OneOf(Page, 0UL, TwoMiB),
                OneOf(MemoryAttributes.Private, MemoryAttributes.None, (MemoryAttributes)1), Mostly(0.9, 0UL, 1UL))));

        private ScenarioStep CheckExtension()
        {
            var capability = OneOf(Enum.GetValues(typeof(Capability)).Cast<Capability>().ToArray());
            return Chance(0.5) && Model.Vms.Count > 0
                ? Step("CheckExtension", ("Vm", VmId()), ("Capability", capability))
                : Step("CheckExtension", ("Capability", capability));
        }
    }
}
