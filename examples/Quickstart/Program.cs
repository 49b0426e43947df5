using System;
using System.Linq;
using System.Text;
using GmemPS.Backends;
using GmemPS.Kernel;
using GmemPS.Lab;
using GmemPS.Lab.Map;

// The quickstart tour of examples/quickstart.ps1, step for step, printed as it goes.
var backend = args.Length > 0 && Enum.TryParse(args[0], true, out BackendKind parsed) ? parsed : BackendKind.Simulator;
using var lab = StandardBackendFactory.NewLab();

void Step(string text) => Console.WriteLine($"\n== {text}");
void Show(object? line) => Console.WriteLine($"   {line}");

Step($"New-GmemVm -Backend {backend} | New-GmemFile -Size 2MB -Mmap -InitShared");
var vm = lab.CreateVm(backend);
var file = lab.CreateFile(vm, 2UL << 20, GuestMemfdFlags.Mmap | GuestMemfdFlags.InitShared);
Show($"{vm.Id} (fd {vm.Fd}), {file.Id} (fd {file.Fd}): {Hex.Size((ulong)file.Size)}, flags {file.Flags}");

Step("Add-Memslot -Gpa 0: the whole file at gpa 0");
var slot = lab.Bind(file, gpa: 0);
Show($"{slot.Id}: gpa {Hex.Address(slot.Gpa)}, size {Hex.Size(slot.Size)}, file offset {Hex.Address(slot.Offset)}");

Step("Add-GmemRange: fallocate(KEEP_SIZE) over the whole file");
long mark = lab.Events(vm).TotalAppended;
lab.Allocate(file, 0, file.Size);

Step("The host writes \"GMEM\" at file offset 0x1000; the guest reads gpa 0x1000");
lab.HostWrite(file, 0x1000, Encoding.ASCII.GetBytes("GMEM"));
var read = lab.GuestRead(vm, 0x1000, 4);
Show($"guest: {read} -> \"{Encoding.ASCII.GetString(read.Data)}\"");

Step("Remove-GmemRange -Offset 0x1000 -Length 4KB: punch one page");
lab.PunchHole(file, 0x1000, 0x1000);
Show($"host reads {string.Join(",", lab.HostRead(file, 0x1000, 4))}; guest reads {string.Join(",", lab.GuestRead(vm, 0x1000, 4).Data)}");

Step("Get-GmemEvent: what the kernel did");
foreach (var e in lab.Events(vm).Since(mark)) Show(e);

Step("A refused request: the same file range in another slot");
try
{
    lab.Bind(file, gpa: 1UL << 32);
}
catch (GmemException e)
{
    Show($"{e.Rule.Id}: {e.Message}");
}

Step("Show-GmemMap");
foreach (var line in GmemMapText.Render(lab, new[] { vm })) Show(line);
Console.WriteLine($"\n{lab.Steps.Count} steps recorded; {lab.Steps.Count(s => !s.Succeeded)} refused.");
