namespace GmemPS.Lab
{
    // read(2), write(2), pread(2) and ftruncate(2) on a guest_memfd: the kernel refuses each (§2.6), and a
    // session may still ask, so the refusals are recorded (and replayed) like every other step.
    public sealed partial class GmemLab
    {
        public int FileRead(LabFile file, int count) =>
            Record("FileRead", Args(("File", file.Id), ("Count", count)), () =>
            {
                Own(file);
                return file.Handle.Read(count);
            }, n => (long)n);

        public int FileWrite(LabFile file, byte[] data) =>
            Record("FileWrite", Args(("File", file.Id), ("Data", data)), () =>
            {
                Own(file);
                return file.Handle.Write(data);
            }, n => (long)n);

        public int FilePread(LabFile file, int count, long offset) =>
            Record("FilePread", Args(("File", file.Id), ("Count", count), ("Offset", offset)), () =>
            {
                Own(file);
                return file.Handle.Pread(count, offset);
            }, n => (long)n);

        public void FileTruncate(LabFile file, long length) =>
            Record("FileTruncate", Args(("File", file.Id), ("Length", length)), () =>
            {
                Own(file);
                file.Handle.Truncate(length);
                return true;
            }, _ => null);
    }
}
