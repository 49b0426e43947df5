using GmemPS.Kernel;

namespace GmemPS.Simulator.Handles
{
    /// <summary>
    /// A descriptor of the simulated process. Once closed, every operation through it answers EBADF, as
    /// the kernel does for a closed fd — even if the number was handed out again since.
    /// </summary>
    internal abstract class SimDescriptor
    {
        protected SimDescriptor(SimKernel kernel, int fd, string what)
        {
            Kernel = kernel;
            Fd = fd;
            What = what;
        }

        protected SimKernel Kernel { get; }
        private string What { get; }
        public int Fd { get; }
        public bool IsClosed { get; private set; }

        protected void EnsureOpen(KernelOperation operation)
        {
            if (IsClosed) throw GmemException.Closed(operation, $"{What} {Fd}");
        }

        public void Close()
        {
            using (Kernel.Enter())
            {
                EnsureOpen(KernelOperation.Close);
                IsClosed = true;
                Kernel.CloseDescriptor(Fd);
            }
        }

        public void Dispose()
        {
            using (Kernel.Enter())
                if (!IsClosed) Close();
        }
    }
}
