using System.Collections.Generic;
using System.Linq;
using GmemPS.Contract;
using GmemPS.Designs;
using GmemPS.Kernel;

namespace GmemPS.Lab
{
    // Seed B: converting guest_memfd pages in place, and the host references that hold a conversion up.
    public sealed partial class GmemLab
    {
        private readonly List<LabHostReference> hostReferences = new List<LabHostReference>();

        public IReadOnlyList<LabHostReference> HostReferences { get { lock (gate) return hostReferences.Where(r => !r.IsReleased).ToList(); } }

        private static IDesignGuestMemfd DesignFile(LabFile file) =>
            file.Handle as IDesignGuestMemfd
            ?? throw new GmemLabException("GmemDesignNotOnKvm", $"{file.Id} is a guest_memfd of the {file.Backend} backend, which runs upstream Linux only.", file);

        /// <summary>
        /// Converts file pages: KVM_SET_MEMORY_ATTRIBUTES2 on the file (2026), or the guest's share/unshare (RFC v5).
        /// Returns the request, whose ErrorOffset the kernel fills when it refuses with EAGAIN.
        /// </summary>
        public ConvertRequest ConvertFileRange(LabFile file, ulong offset, ulong size, ConversionTarget to, ConversionContent content = ConversionContent.Unspecified)
        {
            var request = new ConvertRequest(offset, size, to == ConversionTarget.Private ? MemoryAttributes.Private : MemoryAttributes.None, content);
            return Record("ConvertFile", Args(("File", file.Id), ("Request", request)), () =>
            {
                Own(file);
                DesignFile(file).Convert(request);
                return request;
            }, r => r);
        }

        public LabHostReference TakeHostReference(LabFile file, long offset, long length, HostReferenceKind kind) =>
            Record("TakeHostReference", Args(("File", file.Id), ("Offset", offset), ("Length", length), ("Kind", kind)), () =>
            {
                Own(file);
                var handle = DesignFile(file).Reference(offset, length, kind);
                var reference = new LabHostReference(this, $"ref{hostReferences.Count}", file, offset, length, kind, handle);
                hostReferences.Add(reference);
                return reference;
            }, r => r.Id);

        public void ReleaseHostReference(LabHostReference reference) =>
            Record("ReleaseHostReference", Args(("Reference", reference.Id)), () =>
            {
                Own(reference);
                reference.Handle.Release();
                reference.State = LabObjectState.Closed;
                return true;
            }, _ => null);

        /// <summary>madvise(MADV_DONTNEED) of the pages in every host mapping of the file (the session's own included).</summary>
        public void DropHostMappings(LabFile file, long offset, long length) =>
            Record("DropHostMappings", Args(("File", file.Id), ("Offset", offset), ("Length", length)), () =>
            {
                Own(file);
                DesignFile(file).DropHostMappings(offset, length);
                return true;
            }, _ => null);

        public IReadOnlyList<LabPageState> SelectPageStates(LabFile file, long offset, long length)
        {
            lock (gate)
            {
                Own(file);
                return DesignFile(file).PageStates(offset, length).Select(r => new LabPageState(file, r)).ToList();
            }
        }
    }
}
