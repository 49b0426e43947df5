namespace GmemPS.Contract
{
    /// <summary>
    /// A host that can check its own model after any operation (the simulator). The real kernel has no such
    /// check to offer; scenario runs and the differential fuzzer call it after every step where it exists.
    /// </summary>
    public interface ISelfCheckingHost : IGmemHost
    {
        /// <summary>Throws InvalidOperationException naming the first broken invariant.</summary>
        void CheckInvariants();
    }
}
