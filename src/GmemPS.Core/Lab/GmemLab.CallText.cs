using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GmemPS.Contract;
using GmemPS.Kernel;

namespace GmemPS.Lab
{
    // One line per step, spelled as the kernel call it made, with the values a kernel engineer would check:
    // "KVM_SET_USER_MEMORY_REGION2 slot 0 gpa 0x0 size 0x200000 (2 MiB) guest_memfd 5 offset 0x0 flags 0x4 on vm0".
    public sealed partial class GmemLab
    {
        /// <summary>The kernel call a step made, its arguments and its outcome, on one line.</summary>
        public string DescribeCall(LabStep step)
        {
            lock (gate)
            {
                string call = DescribeRequest(step.Kind, step.Arguments);
                string outcome = step.Errno != Errno.None
                    ? $" -> {step.Errno} ({(int)step.Errno}){(step.RuleId == null ? string.Empty : ": " + step.RuleId)}"
                    : step.RuleId != null
                        ? $" -> refused: {step.RuleId}" // the lab, not the kernel, said no (e.g. GmemForeignObject)
                        : DescribeResult(step.Result);
                return call + outcome;
            }
        }

        private string DescribeRequest(string kind, IReadOnlyDictionary<string, object?> a)
        {
            switch (kind)
            {
                case "CreateVm":
                    return $"KVM_CREATE_VM type {a["Type"]} on the {a["Backend"]} host{ProfileText(a["Profile"])}{DesignText(a["Designs"])}";
                case "CreateSystemFile":
                {
                    var flags = (GuestMemfdFlags)a["Flags"]!;
                    return $"KVM_CREATE_GUEST_MEMFD on /dev/kvm size {Hex.Size((ulong)a["Size"]!)} flags 0x{(ulong)flags:x} ({flags}) "
                        + $"on the {a["Backend"]} host{ProfileText(a["Profile"])}{DesignText(a["Designs"])}";
                }
                case "ConvertFile":
                    return $"convert {FileText(a["File"])} {(GmemPS.Designs.ConvertRequest)a["Request"]!}";
                case "TakeHostReference":
                    return $"take a {a["Kind"]} host reference on {FileText(a["File"])} offset {Hex.Signed((long)a["Offset"]!)} length {SignedSize((long)a["Length"]!)}";
                case "ReleaseHostReference":
                    return $"release host reference {a["Reference"]}";
                case "DropHostMappings":
                    return $"madvise(MADV_DONTNEED) the host mappings of {FileText(a["File"])} offset {Hex.Signed((long)a["Offset"]!)} length {SignedSize((long)a["Length"]!)}";
                case "CreateMemfd":
                    return $"memfd_create + ftruncate size {Hex.Size((ulong)a["Size"]!)} on the {a["Backend"]} host{ProfileText(a["Profile"])}";
                case "SealMemfd":
                    return $"fcntl F_ADD_SEALS F_SEAL_GUEST on {a["Memfd"]}";
                case "WriteMemfd":
                    return $"pwrite {((byte[])a["Data"]!).Length} bytes at {Hex.Address((ulong)a["Offset"]!)} to {a["Memfd"]}";
                case "TruncateMemfd":
                    return $"ftruncate {a["Memfd"]} to {Hex.Size((ulong)a["Size"]!)}";
                case "StartGuestFault":
                    return $"guest fault at gpa {Hex.Address((ulong)a["Gpa"]!)} on {VmText(a["Vm"])}, stopped before the SEPT install";
                case "CompleteGuestFault":
                    return $"complete guest fault {a["Fault"]} (install, put_unlock_pfn)";
                case "CreateKvmVfioDevice":
                    return $"KVM_CREATE_DEVICE(KVM_DEV_TYPE_VFIO) on {VmText(a["Vm"])}";
                case "OpenVfioDevice":
                    return a.ContainsKey("KvmVfioDevice")
                        ? $"open a VFIO device in a new group and KVM_DEV_VFIO_FILE_ADD it to {a["KvmVfioDevice"]}"
                        : $"open a VFIO device in group {a["Group"]} (that of {a["Sibling"]})";
                case "CloseKvmVfioDevice":
                    return $"close {a["KvmVfioDevice"]}";
                case "CloseVfioDevice":
                    return $"close {a["Device"]}";
                case "RunWorkQueue":
                    return $"run the work queue of the {a["Backend"]} host{ProfileText(a["Profile"])}";
                case "UnloadKvmModule":
                    return $"delete_module(kvm) on the {a["Backend"]} host{ProfileText(a["Profile"])}";
                case "LinkFile":
                    return $"KVM_LINK_GUEST_MEMFD {FileText(a["Source"])} into {VmText(a["Vm"])}";
                case "CreateFile":
                {
                    var flags = (GuestMemfdFlags)a["Flags"]!;
                    ulong reserved = (ulong)a["Reserved0"]!;
                    return $"KVM_CREATE_GUEST_MEMFD size {Hex.Size((ulong)a["Size"]!)} flags 0x{(ulong)flags:x} ({flags})"
                        + (reserved == 0 ? string.Empty : $" reserved[0] 0x{reserved:x}") + $" on {VmText(a["Vm"])}";
                }
                case "SetMemslot":
                {
                    var r = (UserMemoryRegion2)a["Region"]!;
                    string vm = VmText(a["Vm"]);
                    if (r.IsDelete)
                        return $"KVM_SET_USER_MEMORY_REGION2 slot {r.Slot} size 0x0 (delete) flags 0x{(uint)r.Flags:x} on {vm}";
                    string fd = ((int)r.GuestMemfd).ToString(CultureInfo.InvariantCulture)
                        + (a.TryGetValue("GuestMemfdRef", out object? named) && named is string reference && IsNotAFile(reference) ? $" ({reference})" : string.Empty);
                    string backing = (r.Flags & MemslotFlags.GuestMemfd) != 0
                        ? $" guest_memfd {fd} offset {Hex.Address(r.GuestMemfdOffset)}"
                          + (r.UserspaceAddr == 0 ? string.Empty : $" userspace_addr {Hex.Address(r.UserspaceAddr)}")
                        : $" userspace_addr {Hex.Address(r.UserspaceAddr)}";
                    return $"KVM_SET_USER_MEMORY_REGION2 slot {r.Slot} gpa {Hex.Address(r.GuestPhysAddr)} size {Hex.Size(r.MemorySize)}"
                        + $"{backing} flags 0x{(uint)r.Flags:x} on {vm}";
                }
                case "Fallocate":
                {
                    var f = (FallocateRequest)a["Request"]!;
                    return $"fallocate {FileText(a["File"])} mode 0x{(int)f.Mode:x} ({f.Mode}) offset {Hex.Signed(f.Offset)} length {SignedSize(f.Length)}";
                }
                case "SetAttributes":
                {
                    var m = (MemoryAttributesRequest)a["Request"]!;
                    return $"KVM_SET_MEMORY_ATTRIBUTES address {Hex.Address(m.Address)} size {Hex.Size(m.Size)} "
                        + $"attributes 0x{(ulong)m.Attributes:x} ({m.Attributes}){(m.Flags == 0 ? string.Empty : $" flags 0x{m.Flags:x}")} on {VmText(a["Vm"])}";
                }
                case "Map":
                {
                    var m = (MapRequest)a["Request"]!;
                    return $"mmap {FileText(a["File"])} {(m.Shared ? "MAP_SHARED" : "MAP_PRIVATE")} offset {Hex.Signed(m.Offset)} length {SignedSize(m.Length)}";
                }
                case "MapAnonymous":
                    return $"mmap anonymous MAP_SHARED length {SignedSize((long)a["Length"]!)} on the {a["Backend"]} host{ProfileText(a["Profile"])}";
                case "HostRead":
                    return $"host read of {a["Count"]} bytes at offset {Hex.Signed((long)a["Offset"]!)} through {MappingText(a["Mapping"])}";
                case "HostWrite":
                    return $"host write of {((byte[])a["Data"]!).Length} bytes at offset {Hex.Signed((long)a["Offset"]!)} through {MappingText(a["Mapping"])}";
                case "Unmap":
                    return $"munmap {MappingText(a["Mapping"])}";
                case "GuestRead":
                    return $"KVM_RUN guest read of {a["Count"]} bytes at gpa {Hex.Address((ulong)a["Gpa"]!)} on {VmText(a["Vm"])}";
                case "GuestWrite":
                    return $"KVM_RUN guest write of {((byte[])a["Data"]!).Length} bytes at gpa {Hex.Address((ulong)a["Gpa"]!)} on {VmText(a["Vm"])}";
                case "CloseFile":
                    return $"close {FileText(a["File"])}";
                case "FileRead":
                    return $"read {a["Count"]} bytes from {FileText(a["File"])}";
                case "FileWrite":
                    return $"write {((byte[])a["Data"]!).Length} bytes to {FileText(a["File"])}";
                case "FilePread":
                    return $"pread {a["Count"]} bytes at {Hex.Signed((long)a["Offset"]!)} from {FileText(a["File"])}";
                case "FileTruncate":
                    return $"ftruncate {FileText(a["File"])} to {Hex.Signed((long)a["Length"]!)}";
                case "CloseVm":
                    return $"close {VmText(a["Vm"])}";
                case "CheckExtension":
                {
                    var c = (Capability)a["Capability"]!;
                    string on = a.TryGetValue("Vm", out object? vm) && vm != null
                        ? VmText(vm)
                        : $"/dev/kvm of the {a["Backend"]} host{ProfileText(a["Profile"])}";
                    return $"KVM_CHECK_EXTENSION KVM_CAP_{CapabilityNames.Of(c)} ({(int)c}) on {on}";
                }
                default:
                    return kind + " " + string.Join(", ", a.Select(kv => $"{kv.Key} {kv.Value}"));
            }
        }

        private static string DescribeResult(object? result) => result switch
        {
            null => string.Empty,
            byte[] data => $" -> {data.Length} bytes",
            bool _ => string.Empty,
            long value => " -> " + value.ToString(CultureInfo.InvariantCulture),
            _ => " -> " + result,
        };

        /// <summary>A guest_memfd field that named /dev/kvm or a VM fd: worth saying, since the kernel refuses it.</summary>
        private static bool IsNotAFile(string reference) => reference == "kvm" || reference.StartsWith("vm:", System.StringComparison.Ordinal);

        private static string DesignText(object? designs) =>
            designs is GmemPS.Designs.DesignPolicies d && !d.IsUpstream ? $" (designs: {d})" : string.Empty;

        private static string ProfileText(object? profile) => profile == null ? string.Empty : $" (profile {profile})";

        private static string SignedSize(long value) => value < 0 ? Hex.Signed(value) : Hex.Size((ulong)value);

        private string VmText(object? id) => id is string s ? $"{s} (fd {FdOf(vms, s)})" : "?";

        private string FileText(object? id) => id is string s ? $"fd {FdOf(files, s)} ({s})" : "?";

        private string MappingText(object? id)
        {
            if (!(id is string s)) return "?";
            var m = mappings.FirstOrDefault(x => x.Id == s);
            return m == null ? s : $"{s} at {Hex.Address(m.Address)}";
        }

        private static string FdOf<T>(List<T> list, string id) where T : LabObject
        {
            var o = list.FirstOrDefault(x => x.Id == id);
            return o switch
            {
                LabVm vm => vm.Fd.ToString(CultureInfo.InvariantCulture),
                LabFile file => file.Fd.ToString(CultureInfo.InvariantCulture),
                _ => "?",
            };
        }
    }
}
