using System;
using System.Collections.Generic;
using System.Linq;
using GmemPS.Kernel;
using GmemPS.Scenarios;

namespace GmemPS.Tests.Fuzzing
{
    /// <summary>
    /// What a generated sequence has made so far, learnt from each step's outcome (objects are named by the lab
    /// only when they are created, so a refused create leaves no id behind). Closed objects stay listed: using
    /// them is part of what the fuzzer tries.
    /// </summary>
    internal sealed class FuzzModel
    {
        public sealed class Vm
        {
            public Vm(string id) { Id = id; }
            public string Id { get; }
            public bool Closed { get; set; }
        }

        public sealed class File
        {
            public File(string id, string vm, ulong size, GuestMemfdFlags flags)
            {
                Id = id;
                Vm = vm;
                Size = size;
                Flags = flags;
            }

            public string Id { get; }
            public string Vm { get; }
            public ulong Size { get; }
            public GuestMemfdFlags Flags { get; }
            public bool Closed { get; set; }
            public bool Mappable => (Flags & GuestMemfdFlags.Mmap) != 0;
        }

        public sealed class Mapping
        {
            public Mapping(string id, string? file, long offset, long length, bool hostView = false)
            {
                Id = id;
                File = file;
                Offset = offset;
                Length = length;
                HostView = hostView;
            }

            public string Id { get; }
            public string? File { get; }
            public long Offset { get; }
            public long Length { get; }
            /// <summary>The file's host view: closing the file unmaps it.</summary>
            public bool HostView { get; }
            public bool Unmapped { get; set; }
            /// <summary>The bytes of address space it covers (whole pages).</summary>
            public ulong Span => (ulong)((Length + 4095) & ~4095L);
        }

        public sealed class Slot
        {
            public Slot(string vm, uint id, ulong gpa, ulong size, string? file, string? userspaceMapping, ulong userspaceOffset, ulong userspaceLiteral)
            {
                Vm = vm;
                Id = id;
                Gpa = gpa;
                Size = size;
                File = file;
                UserspaceMapping = userspaceMapping;
                UserspaceOffset = userspaceOffset;
                UserspaceLiteral = userspaceLiteral;
            }

            public string Vm { get; }
            public uint Id { get; }
            public ulong Gpa { get; }
            public ulong Size { get; }
            public string? File { get; }
            /// <summary>The mapping userspace_addr pointed into (null: a plain number, <see cref="UserspaceLiteral"/>).</summary>
            public string? UserspaceMapping { get; }
            public ulong UserspaceOffset { get; }
            public ulong UserspaceLiteral { get; }
        }

        /// <summary>
        /// The bytes of a slot, from its start, whose host addresses the scenario owns, so what a guest access there
        /// finds does not depend on the rest of the process: the part inside an open mapping of the scenario, or the
        /// first 64 KiB of a slot at userspace_addr 0 (below mmap_min_addr, never mapped). Beyond them the hva lands
        /// wherever the process happens to have memory — on the kernel, not on the simulator.
        /// </summary>
        public ulong OwnedBytes(Slot slot)
        {
            if (slot.UserspaceMapping == null) return slot.UserspaceLiteral == 0 ? Math.Min(slot.Size, 0x10000UL) : 0;
            var mapping = Mappings.FirstOrDefault(m => m.Id == slot.UserspaceMapping);
            if (mapping == null || mapping.Unmapped || slot.UserspaceOffset >= mapping.Span) return 0;
            return Math.Min(slot.Size, mapping.Span - slot.UserspaceOffset);
        }

        public List<Vm> Vms { get; } = new List<Vm>();
        public List<File> Files { get; } = new List<File>();
        public List<Mapping> Mappings { get; } = new List<Mapping>();
        /// <summary>Open memslots (a delete removes them).</summary>
        public List<Slot> Slots { get; } = new List<Slot>();

        public IEnumerable<Vm> OpenVms => Vms.Where(v => !v.Closed);
        public IEnumerable<File> OpenFiles => Files.Where(f => !f.Closed);
        public IEnumerable<Mapping> OpenMappings => Mappings.Where(m => !m.Unmapped);

        /// <summary>Updates the model with what a step did (the simulator's outcome; the kernel agreed, or the sequence stopped).</summary>
        public void Learn(ScenarioStep step, StepOutcome outcome)
        {
            if (!outcome.Succeeded) return;
            switch (step.Kind)
            {
                case "CreateVm":
                    Vms.Add(new Vm(outcome.Result!));
                    break;
                case "CreateFile":
                    Files.Add(new File(outcome.Result!, (string)step.Argument("Vm")!, (ulong)step.Argument("Size")!, (GuestMemfdFlags)step.Argument("Flags")!));
                    break;
                case "Map":
                {
                    var r = (MapRequest)step.Argument("Request")!;
                    Mappings.Add(new Mapping(outcome.Result!, (string)step.Argument("File")!, r.Offset, r.Length, step.Argument("HostView") is true));
                    break;
                }
                case "MapAnonymous":
                    Mappings.Add(new Mapping(outcome.Result!, null, 0, (long)step.Argument("Length")!));
                    break;
                case "Unmap":
                    Mappings.First(m => m.Id == (string)step.Argument("Mapping")!).Unmapped = true;
                    break;
                case "CloseFile":
                {
                    var file = Files.First(f => f.Id == (string)step.Argument("File")!);
                    file.Closed = true;
                    // The lab unmaps the file's host view with it (the latest one, if still mapped).
                    var view = Mappings.LastOrDefault(m => m.File == file.Id && m.HostView);
                    if (view != null) view.Unmapped = true;
                    break;
                }
                case "CloseVm":
                    Vms.First(v => v.Id == (string)step.Argument("Vm")!).Closed = true;
                    break;
                case "SetMemslot":
                {
                    var r = (UserMemoryRegion2)step.Argument("Region")!;
                    string vm = (string)step.Argument("Vm")!;
                    if (r.IsDelete)
                    {
                        Slots.RemoveAll(s => s.Vm == vm && s.Id == r.Slot);
                        break;
                    }
                    // A new slot, or a plain slot moved to another gpa: either way the slot now is what was asked.
                    Slots.RemoveAll(s => s.Vm == vm && s.Id == r.Slot);
                    {
                        string? reference = step.Argument("GuestMemfdRef") as string;
                        string? file = (r.Flags & MemslotFlags.GuestMemfd) != 0 && reference != null && reference.StartsWith("file:")
                            ? reference.Substring(5) : null;
                        string? userspace = step.Argument("UserspaceRef") as string;
                        string? mapping = userspace?.Substring(0, userspace.IndexOf('+'));
                        ulong offset = userspace == null ? 0 : Convert.ToUInt64(userspace.Substring(userspace.IndexOf('+') + 3), 16);
                        Slots.Add(new Slot(vm, r.Slot, r.GuestPhysAddr, r.MemorySize, file, mapping, offset, r.UserspaceAddr));
                    }
                    break;
                }
            }
        }
    }
}
