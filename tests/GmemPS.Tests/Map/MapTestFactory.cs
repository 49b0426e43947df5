using GmemPS.Lab;
using GmemPS.Tests.Support;

namespace GmemPS.Tests.Map
{
    /// <summary>Labs over a host that accepts every request, so a map test can lay out any picture.</summary>
    internal static class MapTestFactory
    {
        public static GmemLab NewLab() => RecordingHost.NewLab().Lab;
    }
}
