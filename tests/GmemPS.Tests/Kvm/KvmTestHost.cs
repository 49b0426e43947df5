using GmemPS.Contract;
using GmemPS.Kernel;
using GmemPS.Kvm;
using Xunit;

namespace GmemPS.Tests.Kvm
{
    /// <summary>Opens this machine's /dev/kvm; skips (with the reason) only where there is none to open.</summary>
    internal static class KvmTestHost
    {
        public const ulong TwoMiB = 2UL << 20;
        public const ulong FourGiB = 4UL << 30;

        /// <summary>Skips only where there is no usable /dev/kvm, with the marker test.sh checks.</summary>
        public static KvmHost OpenOrSkip() => Support.KvmAvailability.OpenOrSkip();

        /// <summary>A VM with a 2 MiB MMAP|INIT_SHARED file mapped on the host and bound at gpa through that mapping.</summary>
        public static SharedSlot SharedSlotAt(ulong gpa)
        {
            var host = OpenOrSkip();
            var vm = host.CreateVm(0);
            var file = vm.CreateFile(TwoMiB, GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared);
            var map = file.Map(new MapRequest(0, (long)TwoMiB));
            vm.Bind(0, gpa, file, TwoMiB, userspaceAddr: map.Address);
            return new SharedSlot(host, vm, file, map);
        }

        public static IGuestMemfd CreateFile(this IGmemVm vm, ulong size, GuestMemfdFlags flags = GuestMemfdFlags.None) =>
            vm.CreateGuestMemfd(new CreateGuestMemfdRequest(size, flags));

        public static void Bind(this IGmemVm vm, uint slot, ulong gpa, IGuestMemfd file, ulong size, ulong offset = 0, ulong userspaceAddr = 0) =>
            vm.SetUserMemoryRegion2(new UserMemoryRegion2(slot, MemslotFlags.GuestMemfd, gpa, size, userspaceAddr, offset, (uint)file.Fd));
    }

    /// <summary>What <see cref="KvmTestHost.SharedSlotAt"/> made; disposing closes it in reverse order.</summary>
    internal sealed record SharedSlot(KvmHost Host, IGmemVm Vm, IGuestMemfd File, IHostMapping Map) : System.IDisposable
    {
        public void Dispose()
        {
            Map.Dispose();
            File.Dispose();
            Vm.Dispose();
            Host.Dispose();
        }
    }
}
