using System;
using System.Collections.Generic;
using System.Linq;
using GmemPS.Contract;
using GmemPS.Designs;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Simulator;
using Xunit;

namespace GmemPS.Tests.Designs
{
    /// <summary>
    /// A simulated host for the design scenarios (seeds-and-peers.md, "Scenarios a user would want to script"):
    /// VMs and files per design, the events since a mark, and the invariant checker after every step.
    /// </summary>
    internal sealed class DesignHost
    {
        public const ulong KiB = 1UL << 10, MiB = 1UL << 20;
        private long mark;

        public DesignHost(SimulatorProfile? profile = null)
        {
            Host = new SimulatorHost(profile ?? SimulatorProfile.Upstream);
        }

        public SimulatorHost Host { get; }

        public IGmemVm Vm(DesignPolicies? designs = null, ulong type = 0) => Step(() => Host.CreateVm(type, designs ?? DesignPolicies.Upstream));

        public IGuestMemfd File(IGmemVm vm, ulong size = 2 * MiB, GuestMemfdFlags flags = GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared) =>
            Step(() => vm.CreateGuestMemfd(new CreateGuestMemfdRequest(size, flags)));

        /// <summary>A VM of these designs with one 2 MiB file bound at gpa 0 in slot 0.</summary>
        public (IGmemVm Vm, IGuestMemfd File) BoundVm(DesignPolicies? designs = null,
            GuestMemfdFlags flags = GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared, ulong type = 0)
        {
            var vm = Vm(designs, type);
            var file = File(vm, flags: flags);
            Bind(vm, 0, 0, file);
            return (vm, file);
        }

        /// <summary>KVM_SET_USER_MEMORY_REGION2 binding [offset, offset+size) of the file at gpa.</summary>
        public void Bind(IGmemVm vm, uint slot, ulong gpa, IGuestMemfd file, ulong size = 2 * MiB, ulong offset = 0) =>
            Step(() => vm.SetUserMemoryRegion2(new UserMemoryRegion2(slot, MemslotFlags.GuestMemfd, gpa, size, 0, offset, (uint)file.Fd)));

        public void Delete(IGmemVm vm, uint slot) => Step(() => vm.SetUserMemoryRegion2(UserMemoryRegion2.Delete(slot)));

        /// <summary>Runs one step, then checks every invariant of the model.</summary>
        public T Step<T>(Func<T> step)
        {
            try
            {
                return step();
            }
            finally
            {
                Host.CheckInvariants();
            }
        }

        public void Step(Action step) => Step(() =>
        {
            step();
            return true;
        });

        /// <summary>The kernel's refusal of one step (nothing changes), with the invariants checked after it.</summary>
        public GmemException Refused(Action step, KernelRule rule)
        {
            long before = Host.Events.TotalAppended;
            var e = Assert.Throws<GmemException>(() => Step(step));
            Assert.Equal(rule.Id, e.Rule.Id);
            Assert.Equal(before, Host.Events.TotalAppended);
            return e;
        }

        public void Mark() => mark = Host.Events.TotalAppended;

        public IReadOnlyList<GmemEvent> Since() => Host.Events.Since(mark);

        public IReadOnlyList<T> Since<T>() where T : GmemEvent => Since().OfType<T>().ToList();

        public string[] Kinds() => Since().Select(e => e.Kind).ToArray();

        /// <summary>Every event of a design names the decision it illustrates.</summary>
        public void AssertDesignEventsNameTheirDecision()
        {
            foreach (var e in Host.Events.Since(0).OfType<DesignEvent>())
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Design), $"{e.Kind} names no design decision");
                Assert.EndsWith($"[{e.Design}]", e.Describe());
            }
        }

        public static byte[] Filled(byte value, int count = 16) => Enumerable.Repeat(value, count).ToArray();
    }
}
