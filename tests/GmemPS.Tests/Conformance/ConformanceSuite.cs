using System;
using System.Collections.Generic;
using GmemPS.Contract;
using GmemPS.Kernel;
using GmemPS.Simulator;
using Xunit;

namespace GmemPS.Tests.Conformance
{
    /// <summary>
    /// The conformance suite: every row of shared/kernel-facts.md and the applicable selftest rows of
    /// kernel-semantics.md §5, written once against the contract. Each backend gets a subclass that only
    /// says how to open its host; the tests are the same code for all of them.
    /// </summary>
    public abstract partial class ConformanceSuite : IDisposable
    {
        protected const long Page = KvmLimits.PageSize;
        protected const ulong UPage = (ulong)KvmLimits.PageSize;
        protected const ulong TwoMiB = 2UL << 20;

        private readonly List<IDisposable> owned = new List<IDisposable>();
        private IGmemHost? host;

        /// <summary>Opens the backend's host, or skips (Assert.Skip) saying why it cannot run here.</summary>
        protected abstract IGmemHost OpenHost();

        protected IGmemHost Host => host ??= OpenHost();

        protected IGmemVm NewVm(ulong type = 0) => Own(Host.CreateVm(type));

        protected IGuestMemfd NewGmem(IGmemVm vm, ulong size, GuestMemfdFlags flags = GuestMemfdFlags.None) =>
            Own(vm.CreateGuestMemfd(new CreateGuestMemfdRequest(size, flags)));

        protected T Own<T>(T disposable) where T : IDisposable
        {
            owned.Add(disposable);
            return disposable;
        }

        protected static UserMemoryRegion2 GmemSlot(uint slot, ulong gpa, ulong size, IGuestMemfd file, ulong offset = 0, ulong userspaceAddr = 0) =>
            new UserMemoryRegion2(slot, MemslotFlags.GuestMemfd, gpa, size, userspaceAddr, offset, (uint)file.Fd);

        /// <summary>Runs a step that must succeed, then checks the simulator's invariants.</summary>
        protected T Ok<T>(Func<T> step)
        {
            T result = step();
            CheckInvariants();
            return result;
        }

        protected void Ok(Action step) => Ok(() => { step(); return true; });

        /// <summary>Runs a step that the kernel must refuse with this errno; the refusal must change nothing.</summary>
        protected GmemException Refused(Errno expected, Action step)
        {
            var e = Assert.Throws<GmemException>(step);
            Assert.True(expected == e.Errno, $"expected {expected}, got {e.Errno}: {e.Message}");
            Assert.Contains(expected.ToString(), e.Message);
            CheckInvariants();
            return e;
        }

        protected void CheckInvariants() => (host as SimulatorHost)?.CheckInvariants();

        /// <summary>Skips a test the host cannot run, naming the capability it lacks and its number.</summary>
        protected void RequireCapability(IGmemVm? vm, Capability capability, long atLeast = 1)
        {
            long value = vm?.CheckExtension(capability) ?? Host.CheckExtension(capability);
            if (value < atLeast)
                Assert.Skip($"{Host.BackendName}: KVM_CAP_{CapabilityNames.Of(capability)} ({(int)capability}) is {value} here");
        }

        protected void RequireVmType(VmType type)
        {
            long types = Host.CheckExtension(Capability.VmTypes);
            if ((types & (1L << (int)type)) == 0)
                Assert.Skip($"{Host.BackendName}: VM type {type} ({(int)type}) is not in KVM_CAP_VM_TYPES (0x{types:x})");
        }

        public void Dispose()
        {
            CheckInvariants();
            for (int i = owned.Count - 1; i >= 0; i--) owned[i].Dispose();
            CheckInvariants();
            host?.Dispose();
        }
    }
}
