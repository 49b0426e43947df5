namespace GmemPS.Kernel
{
    /// <summary>Linux errno values (x86_64 numbering), as the kernel returns them.</summary>
    public enum Errno
    {
        None = 0,
        EPERM = 1,
        ENOENT = 2,
        EINTR = 4,
        EIO = 5,
        EBADF = 9,
        EAGAIN = 11,
        ENOMEM = 12,
        EACCES = 13,
        EFAULT = 14,
        EBUSY = 16,
        EEXIST = 17,
        ENODEV = 19,
        EINVAL = 22,
        EMFILE = 24,
        ENOTTY = 25,
        EFBIG = 27,
        ENOSPC = 28,
        ESPIPE = 29,
        E2BIG = 7,
        ERANGE = 34,
        ENOSYS = 38,
        EOVERFLOW = 75,
        EOPNOTSUPP = 95,
        EHWPOISON = 133,
    }
}
