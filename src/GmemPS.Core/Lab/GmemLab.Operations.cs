using System;
using System.Collections.Generic;
using GmemPS.Contract;
using GmemPS.Designs;
using GmemPS.Kernel;

namespace GmemPS.Lab
{
    // The operations, each recorded as a step. Arguments name objects by id so a step replays elsewhere.
    public sealed partial class GmemLab
    {
        /// <param name="designs">The designs the VM runs; null or upstream creates an ordinary VM on any backend.</param>
        public LabVm CreateVm(BackendKind backend = BackendKind.Simulator, ulong type = 0, string? profile = null, DesignPolicies? designs = null) =>
            Record("CreateVm", Args(("Backend", backend), ("Type", type), ("Profile", profile), ("Designs", designs)), () =>
            {
                designs ??= DesignPolicies.Upstream;
                profile = factory.CanonicalProfile(backend, profile);
                IGmemVm handle = designs.IsUpstream
                    ? Host(backend, profile).CreateVm(type)
                    : DesignHost(backend, profile, designs).CreateVm(type, designs);
                var vm = new LabVm(this, $"vm{vms.Count}", backend, profile, handle, designs);
                vms.Add(vm);
                LearnKernelNumber(vm);
                return vm;
            }, vm => vm.Id);

        public LabFile CreateFile(LabVm vm, ulong size, GuestMemfdFlags flags = GuestMemfdFlags.None, ulong reserved0 = 0) =>
            Record("CreateFile", Args(("Vm", vm.Id), ("Size", size), ("Flags", flags), ("Reserved0", reserved0)), () =>
            {
                Own(vm);
                IGuestMemfd handle = vm.Handle.CreateGuestMemfd(new CreateGuestMemfdRequest(size, flags, reserved0));
                var file = new LabFile(this, $"gmem{files.Count}", vm, handle);
                files.Add(file);
                LearnKernelNumber(file);
                return file;
            }, f => f.Id);

        /// <summary>
        /// KVM_SET_USER_MEMORY_REGION2 as given, except that when <paramref name="file"/> is named its
        /// descriptor fills guest_memfd. Returns the new slot, or null for a delete.
        /// </summary>
        public LabMemslot? SetMemslot(LabVm vm, UserMemoryRegion2 region, LabFile? file = null)
        {
            lock (gate)
            {
                var request = file == null ? region : region with { GuestMemfd = DescriptorOf(file) };
                // The request as the kernel gets it, plus what its raw numbers referred to when it was made, so
                // a scenario can replay it where descriptors and addresses have other numbers.
                var arguments = Args(("Vm", vm.Id), ("Region", request), ("File", file?.Id),
                    ("GuestMemfdRef", DescriptorReference(vm, request.GuestMemfd, file)), ("UserspaceRef", AddressReference(request.UserspaceAddr)));
                return SetMemslot(vm, request, file, arguments);
            }
        }

        private LabMemslot? SetMemslot(LabVm vm, UserMemoryRegion2 request, LabFile? file, IReadOnlyDictionary<string, object?> arguments) =>
            Record("SetMemslot", arguments, () =>
            {
                Own(vm);
                if (file != null) Own(file);
                vm.Handle.SetUserMemoryRegion2(request);
                foreach (var old in memslots)
                    if (old.VmObject == vm && old.Slot == request.Slot && old.State == LabObjectState.Open && request.IsDelete)
                        old.State = LabObjectState.Deleted;
                if (request.IsDelete) return null;
                var slot = new LabMemslot(this, vm, request, file);
                memslots.Add(slot);
                return slot;
            }, s => s?.Id);

        /// <summary>
        /// Binds a range of a file at a gpa, in the lowest free slot id unless one is given. Without a
        /// userspace_addr, an MMAP file is backed by the session's own mapping of it, as VMMs do: upstream
        /// faults such a slot from the file anyway, but this machine's kvm_pvm reaches guest memory only through
        /// userspace_addr (measured), so this is what lets a guest see the file on both.
        /// </summary>
        /// <param name="vm">The VM to bind into: by default the file's own VM. Another VM is what seed A argues about
        /// (upstream refuses it; the alternative allows it while the file is unowned), and a file created on /dev/kvm has no VM of its own.</param>
        public LabMemslot Bind(LabFile file, ulong gpa, ulong? size = null, ulong offset = 0, uint? slot = null, ulong? userspaceAddr = null, LabVm? vm = null)
        {
            lock (gate)
            {
                var target = vm ?? file.VmObject
                    ?? throw new GmemLabException("GmemFileHasNoVm", $"{file.Id} was created on /dev/kvm and has no VM of its own: name the VM to bind it into.", file);
                ulong length = size ?? RemainingSize(file, offset);
                uint id = slot ?? LowestFreeSlot(target);
                ulong hva = userspaceAddr ?? DefaultUserspaceAddr(file, offset);
                var region = new UserMemoryRegion2(id, MemslotFlags.GuestMemfd, gpa, length, hva, offset, 0);
                return SetMemslot(target, region, file)!;
            }
        }

        private ulong DefaultUserspaceAddr(LabFile file, ulong offset)
        {
            bool mappable = (file.Flags & GuestMemfdFlags.Mmap) != 0 && file.State == LabObjectState.Open;
            return mappable && offset < (ulong)file.Size ? HostView(file).Address + offset : 0;
        }

        public void RemoveMemslot(LabMemslot slot)
        {
            Own(slot);
            SetMemslot(slot.VmObject, UserMemoryRegion2.Delete(slot.Slot, slot.Flags));
        }

        public uint LowestFreeSlot(LabVm vm)
        {
            lock (gate)
            {
                var used = new HashSet<uint>();
                foreach (var s in memslots)
                    if (s.VmObject == vm && s.State == LabObjectState.Open) used.Add(s.Slot);
                uint id = 0;
                while (used.Contains(id)) id++;
                return id;
            }
        }

        public void Fallocate(LabFile file, FallocateRequest request) =>
            Record("Fallocate", Args(("File", file.Id), ("Request", request)), () =>
            {
                Own(file);
                file.Handle.Fallocate(request);
                return true;
            }, _ => null);

        public void Allocate(LabFile file, long offset, long length) => Fallocate(file, FallocateRequest.Allocate(offset, length));

        public void PunchHole(LabFile file, long offset, long length) => Fallocate(file, FallocateRequest.PunchHole(offset, length));

        public void SetAttributes(LabVm vm, MemoryAttributesRequest request) =>
            Record("SetAttributes", Args(("Vm", vm.Id), ("Request", request)), () =>
            {
                Own(vm);
                vm.Handle.SetMemoryAttributes(request);
                TrackAttributes(vm, request);
                return true;
            }, _ => null);

        public LabMapping Map(LabFile file, MapRequest request) => Map(file, request, hostView: false);

        /// <param name="hostView">The mapping becomes the file's host view: the one Read-/Write-GmemMemory and slot
        /// defaults go through, which closing the file unmaps.</param>
        public LabMapping Map(LabFile file, MapRequest request, bool hostView) =>
            Record("Map", Args(("File", file.Id), ("Request", request), ("HostView", hostView)), () =>
            {
                Own(file);
                var mapping = new LabMapping(this, $"map{mappings.Count}", file, request.Offset, file.Handle.Map(request));
                mappings.Add(mapping);
                if (hostView) file.HostView = mapping;
                return mapping;
            }, m => m.Id);

        public LabMapping MapAnonymous(BackendKind backend, long length, string? profile = null) =>
            Record("MapAnonymous", Args(("Backend", backend), ("Length", length), ("Profile", profile)), () =>
            {
                var mapping = new LabMapping(this, $"map{mappings.Count}", null, 0, Host(backend, profile).MapAnonymous(length));
                mappings.Add(mapping);
                return mapping;
            }, m => m.Id);

        public byte[] HostRead(LabMapping mapping, long offset, int count) =>
            Record("HostRead", Args(("Mapping", mapping.Id), ("Offset", offset), ("Count", count)), () =>
            {
                Own(mapping);
                return mapping.Handle.Read(offset, count);
            }, data => data);

        public void HostWrite(LabMapping mapping, long offset, byte[] data) =>
            Record("HostWrite", Args(("Mapping", mapping.Id), ("Offset", offset), ("Data", data)), () =>
            {
                Own(mapping);
                mapping.Handle.Write(offset, data);
                return true;
            }, _ => null);

        /// <summary>Reads file bytes on the host through a lab-managed MAP_SHARED mapping of the whole file.</summary>
        public byte[] HostRead(LabFile file, long offset, int count) => HostRead(HostView(file), offset, count);

        /// <summary>Writes file bytes on the host through a lab-managed MAP_SHARED mapping of the whole file.</summary>
        public void HostWrite(LabFile file, long offset, byte[] data) => HostWrite(HostView(file), offset, data);

        private LabMapping HostView(LabFile file)
        {
            lock (gate)
            {
                if (file.HostView != null && file.HostView.State == LabObjectState.Open) return file.HostView;
                return Map(file, new MapRequest(0, file.Size), hostView: true);
            }
        }

        public void Unmap(LabMapping mapping) =>
            Record("Unmap", Args(("Mapping", mapping.Id)), () =>
            {
                Own(mapping);
                mapping.Handle.Unmap();
                mapping.State = LabObjectState.Closed;
                SettleLifetime(mapping.FileObject?.VmObject);
                return true;
            }, _ => null);

        public GuestAccessResult GuestRead(LabVm vm, ulong gpa, int count) =>
            Record("GuestRead", Args(("Vm", vm.Id), ("Gpa", gpa), ("Count", count)), () =>
            {
                Own(vm);
                return vm.Handle.GuestRead(gpa, count);
            }, r => r);

        public GuestAccessResult GuestWrite(LabVm vm, ulong gpa, byte[] data) =>
            Record("GuestWrite", Args(("Vm", vm.Id), ("Gpa", gpa), ("Data", data)), () =>
            {
                Own(vm);
                return vm.Handle.GuestWrite(gpa, data);
            }, r => r);

        public void CloseFile(LabFile file) =>
            Record("CloseFile", Args(("File", file.Id)), () =>
            {
                Own(file);
                file.Handle.Close();
                file.State = LabObjectState.Closed;
                // The session's own view would keep the file alive; the user asked for it to go.
                if (file.HostView != null && file.HostView.State == LabObjectState.Open)
                {
                    file.HostView.Handle.Unmap();
                    file.HostView.State = LabObjectState.Closed;
                }
                SettleLifetime(file.VmObject);
                return true;
            }, _ => null);

        public void CloseVm(LabVm vm) =>
            Record("CloseVm", Args(("Vm", vm.Id)), () =>
            {
                Own(vm);
                vm.Handle.Close();
                vm.State = LabObjectState.KeptAlive;
                SettleLifetime(vm);
                return true;
            }, _ => null);

        private static IReadOnlyDictionary<string, object?> Args(params (string Name, object? Value)[] arguments)
        {
            var map = new Dictionary<string, object?>(arguments.Length);
            foreach (var (name, value) in arguments) map[name] = value;
            return map;
        }

        /// <summary>Runs one operation under the lab's lock and records it, failure included.</summary>
        private T Record<T>(string kind, IReadOnlyDictionary<string, object?> arguments, Func<T> operation, Func<T, object?> summarize)
        {
            lock (gate)
            {
                ThrowIfDisposed();
                var step = new LabStep(steps.Count, kind, arguments);
                steps.Add(step);
                try
                {
                    T result = operation();
                    step.Result = summarize(result);
                    return result;
                }
                catch (GmemException e)
                {
                    step.Errno = e.Errno;
                    step.RuleId = e.Rule.Id;
                    throw;
                }
                catch (GmemLabException e)
                {
                    step.RuleId = e.ErrorId;
                    throw;
                }
                catch (ArgumentException)
                {
                    // The contract's own argument checks (a guest access within one page, a host access within
                    // its mapping): refused before any kernel call, and recorded as such, never as a success.
                    step.RuleId = ArgumentRefused;
                    throw;
                }
                catch (GmemEnvironmentException e)
                {
                    // No backend (no /dev/kvm, no permission): the step did not happen.
                    step.RuleId = e.ErrorId;
                    step.BackendUnavailable = true;
                    throw;
                }
                catch (Exception)
                {
                    // Anything else is a bug; the step still must not read as a success.
                    step.RuleId = InternalError;
                    throw;
                }
                finally
                {
                    NameNewEvents();
                    Notify(step);
                }
            }
        }
    }
}
