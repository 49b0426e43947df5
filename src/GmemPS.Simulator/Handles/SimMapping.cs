using System;
using GmemPS.Contract;

namespace GmemPS.Simulator.Handles
{
    internal sealed class SimMapping : IHostMapping
    {
        private readonly SimKernel kernel;
        private readonly SimMappingState state;

        public SimMapping(SimKernel kernel, SimMappingState state)
        {
            this.kernel = kernel;
            this.state = state;
        }

        public ulong Address => state.Address;
        public long Length => state.Length;
        public bool IsUnmapped => state.Unmapped;

        public byte[] Read(long offset, int count)
        {
            // Checked before the buffer exists: a count of -1 is the contract's refusal, not an OverflowException.
            CheckRange(offset, count);
            var buffer = new byte[count];
            ReadInto(offset, buffer);
            return buffer;
        }

        public void ReadInto(long offset, byte[] destination)
        {
            CheckRange(offset, destination.Length);
            using (kernel.Enter()) kernel.HostAccess(state, offset, destination, 0, destination.Length, write: false);
        }

        public void Write(long offset, byte[] data)
        {
            CheckRange(offset, data.Length);
            using (kernel.Enter()) kernel.HostAccess(state, offset, data, 0, data.Length, write: true);
        }

        private void CheckRange(long offset, int count)
        {
            HostAccessBounds.Check(offset, count, state.Length);
        }

        public bool[] Residency()
        {
            using (kernel.Enter()) return kernel.Residency(state);
        }

        public void Unmap()
        {
            using (kernel.Enter()) kernel.Unmap(state);
        }

        public void Dispose()
        {
            using (kernel.Enter())
                if (!state.Unmapped) kernel.Unmap(state);
        }
    }
}
