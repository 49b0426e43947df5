using System;
using System.Collections.Generic;
using System.Linq;
using GmemPS.Backends;
using GmemPS.Contract;
using GmemPS.Events;
using GmemPS.Kernel;
using GmemPS.Lab;
using Xunit;

namespace GmemPS.Tests.Module
{
    /// <summary>
    /// The session derives a VM's destruction by upstream's rule (the Kvm backend cannot see it). On the
    /// simulator, which models the kernel's reference counts, that derivation must agree with the model's own
    /// VmDestroyed event after every step of every close order.
    /// </summary>
    public sealed class LabLifetimeTests
    {
        [Fact]
        public void Destroyed_agrees_with_the_simulators_VmDestroyed_after_every_step_of_every_close_order()
        {
            var closes = new (string Name, Action<GmemLab, LabVm, LabFile[], LabMapping> Run)[]
            {
                ("vm fd", (lab, vm, _, _) => lab.CloseVm(vm)),
                ("file 0", (lab, _, files, _) => lab.CloseFile(files[0])),
                ("file 1", (lab, _, files, _) => lab.CloseFile(files[1])),
                ("mapping of file 1", (lab, _, _, mapping) => lab.Unmap(mapping)),
            };
            int orders = 0;
            foreach (var order in Permutations(Enumerable.Range(0, closes.Length).ToList()))
            {
                using var lab = StandardBackendFactory.NewLab();
                var vm = lab.CreateVm();
                var files = new[] { lab.CreateFile(vm, 0x10000), lab.CreateFile(vm, 0x10000, GuestMemfdFlags.Mmap) };
                var slot = lab.Bind(files[0], 0);
                var mapping = lab.Map(files[1], new MapRequest(0, 0x10000));
                var done = new List<string>();
                foreach (int step in order)
                {
                    closes[step].Run(lab, vm, files, mapping);
                    done.Add(closes[step].Name);
                    bool modelDestroyed = lab.SelectEvents(BackendKind.Simulator, null).OfType<VmDestroyed>().Any(e => e.SessionVm == vm.Id);
                    string after = string.Join(", ", done);
                    Assert.True(modelDestroyed == (vm.State == LabObjectState.Destroyed), $"after closing {after}: the session says {vm.State}, the simulator {(modelDestroyed ? "destroyed it" : "keeps it")}");
                    Assert.True((slot.State == LabObjectState.Destroyed) == modelDestroyed, $"after closing {after}: the slot is {slot.State}");
                    if (done.Contains("vm fd") && !modelDestroyed) Assert.Equal(LabObjectState.KeptAlive, vm.State);
                }
                Assert.Equal(LabObjectState.Destroyed, vm.State);
                orders++;
            }
            Assert.Equal(24, orders);
        }

        private static IEnumerable<List<int>> Permutations(List<int> items)
        {
            if (items.Count <= 1)
            {
                yield return items;
                yield break;
            }
            foreach (int first in items)
                foreach (var rest in Permutations(items.Where(i => i != first).ToList()))
                    yield return new List<int> { first }.Concat(rest).ToList();
        }
    }
}
