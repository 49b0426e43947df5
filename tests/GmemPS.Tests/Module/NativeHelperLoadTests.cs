using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using Xunit;

namespace GmemPS.Tests.Module
{
    /// <summary>
    /// Loads the built module the way pwsh does - GmemPS.dll from out/GmemPS, its dependencies resolved from
    /// that folder only, in a context of its own - and calls into libMonoPosixHelper.so through the shipped
    /// Mono.Posix, proving the runtime implementation and its native helper load from the module folder.
    /// </summary>
    public class NativeHelperLoadTests
    {
        [Fact]
        public void Mono_Posix_in_the_module_folder_reaches_its_native_helper()
        {
            var (weak, pid, errno) = LoadAndCall();
            Assert.Equal(Environment.ProcessId, pid);
            Assert.Equal(22, errno); // NativeConvert.FromErrno(Errno.EINVAL): the helper's own errno table.
            // The context is collectible: nothing of it stays loaded in the test process.
            for (int i = 0; weak.IsAlive && i < 20; i++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
            Assert.False(weak.IsAlive, "the module's load context was not unloaded");
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static (WeakReference Context, int Pid, int Errno) LoadAndCall()
        {
            var context = new ModuleFolderContext(BuiltModule.ModuleDirectory);
            try
            {
                var module = context.LoadFromAssemblyPath(Path.Combine(BuiltModule.ModuleDirectory, "GmemPS.dll"));
                Assert.Equal(BuiltModule.ModuleDirectory, Path.GetDirectoryName(module.Location));
                // Mono.Posix is found by name, as a dependency is: the context resolves it from the module folder only.
                var posix = context.LoadFromAssemblyName(new AssemblyName("Mono.Posix.NETStandard"));
                Assert.Same(context, AssemblyLoadContext.GetLoadContext(posix));
                Assert.Equal(BuiltModule.ModuleDirectory, Path.GetDirectoryName(posix.Location));

                var syscall = posix.GetType("Mono.Unix.Native.Syscall", throwOnError: true)!;
                int pid = (int)syscall.GetMethod("getpid", Type.EmptyTypes)!.Invoke(null, null)!;
                var nativeConvert = posix.GetType("Mono.Unix.Native.NativeConvert", throwOnError: true)!;
                var errnoType = posix.GetType("Mono.Unix.Native.Errno", throwOnError: true)!;
                int errno = (int)nativeConvert.GetMethod("FromErrno", new[] { errnoType })!.Invoke(null, new[] { Enum.Parse(errnoType, "EINVAL") })!;
                string helper = Path.Combine(BuiltModule.ModuleDirectory, "libMonoPosixHelper.so");
                Assert.Contains(helper, context.NativeLibrariesLoaded);
                // The kernel agrees: the module folder's copy is mapped into this process.
                Assert.Contains(File.ReadLines("/proc/self/maps"), line => line.EndsWith(" " + helper, StringComparison.Ordinal));
                return (new WeakReference(context), pid, errno);
            }
            finally
            {
                context.Unload();
            }
        }

        /// <summary>Resolves managed and native dependencies from the module folder only; the framework comes from the default context.</summary>
        private sealed class ModuleFolderContext : AssemblyLoadContext
        {
            private readonly string folder;

            public ModuleFolderContext(string folder) : base("GmemPS module (test)", isCollectible: true)
            {
                this.folder = folder;
            }

            public System.Collections.Generic.List<string> NativeLibrariesLoaded { get; } = new System.Collections.Generic.List<string>();

            protected override Assembly? Load(AssemblyName name)
            {
                string candidate = Path.Combine(folder, name.Name + ".dll");
                return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
            }

            protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
            {
                foreach (string file in new[] { unmanagedDllName, "lib" + unmanagedDllName + ".so", unmanagedDllName + ".so" })
                {
                    string candidate = Path.Combine(folder, file);
                    if (!File.Exists(candidate)) continue;
                    NativeLibrariesLoaded.Add(candidate);
                    return LoadUnmanagedDllFromPath(candidate);
                }
                return IntPtr.Zero;
            }
        }
    }
}
