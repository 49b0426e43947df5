/*
 * gmem_bench: the raw cost of the guest_memfd operations GmemPS wraps, in plain C, one round.
 *
 * gmem_bench [PAGES [FILE_BYTES]]   (defaults: 8000 pages, a file of PAGES * 4096 bytes)
 *   create a VM and one guest_memfd of FILE_BYTES; slot/page i lives at file offset i * STRIDE,
 *   STRIDE = FILE_BYTES / PAGES rounded down to a page (4096 when the file is just big enough);
 *   bind   PAGES 4 KiB slots: slot i at gpa i*4096, file offset i*STRIDE  (KVM_SET_USER_MEMORY_REGION2)
 *   alloc  every page i*STRIDE (fallocate KEEP_SIZE)
 *   punch  every page i*STRIDE (fallocate KEEP_SIZE|PUNCH_HOLE, on a bound file)
 *   delete every slot         (KVM_SET_USER_MEMORY_REGION2 with memory_size 0)
 *   Each call is timed alone with CLOCK_MONOTONIC; the round prints the median per operation:
 *   <operation> <median microseconds>
 *
 * gmem_bench --map-read BYTES CHUNK [memcpy|vm]
 *   create a guest_memfd of BYTES with MMAP|INIT_SHARED, then time mmap(MAP_SHARED) + reading every byte
 *   in CHUNK-byte copies into one buffer (each first touch faults a fresh page in) + munmap; the copy is a
 *   memcpy from the mapping (default) or process_vm_readv on our own pid (what GmemPS's Kvm backend does,
 *   so a page the kernel refuses is an errno, not a SIGBUS); prints mapread <total microseconds>
 *
 * gmem_bench --guest-access COUNT
 *   a 2 MiB MMAP|INIT_SHARED guest_memfd, mapped and bound at gpa 0 (userspace_addr = the mapping), and one
 *   vCPU in real mode; COUNT times: KVM_SET_REGS (rip 0x1000) + KVM_RUN of "mov al,[0x2000]; hlt" until
 *   KVM_EXIT_HLT, each timed alone; prints guest_access <median microseconds>
 *
 * The C# runner does the same through a GmemPS backend (the simulator for guest access).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/* The uapi structs, written out so an older <linux/kvm.h> does not matter (kernel-semantics §1.2). */
struct create_guest_memfd { uint64_t size, flags, reserved[6]; };
struct memory_region2 {
    uint32_t slot, flags;
    uint64_t guest_phys_addr, memory_size, userspace_addr, guest_memfd_offset;
    uint32_t guest_memfd, pad1;
    uint64_t pad2[14];
};

#define KVM_CREATE_VM                 0xAE01
#define KVM_SET_USER_MEMORY_REGION2   0x40A0AE49
#define KVM_CREATE_GUEST_MEMFD        0xC040AED4
#define KVM_GET_VCPU_MMAP_SIZE        0xAE04
#define KVM_CREATE_VCPU               0xAE41
#define KVM_RUN                       0xAE80
#define KVM_SET_REGS                  0x4090AE82   /* struct kvm_regs: 18 u64, rip at 16, rflags at 17 */
#define KVM_GET_SREGS                 0x8138AE83   /* struct kvm_sregs: 312 bytes, cs first (base u64, limit u32, selector u16) */
#define KVM_SET_SREGS                 0x4138AE84
#define KVM_EXIT_HLT                  5
#define KVM_MEM_GUEST_MEMFD           (1u << 2)
#define FALLOC_KEEP_SIZE              0x01
#define FALLOC_PUNCH_HOLE             0x02
#define GUEST_MEMFD_FLAG_MMAP         (1ull << 0)
#define GUEST_MEMFD_FLAG_INIT_SHARED  (1ull << 1)
#define PAGE                          4096ull

static double now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *samples, int n)
{
    qsort(samples, n, sizeof *samples, by_value);
    return n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
}

static void fail(const char *what, int i)
{
    fprintf(stderr, "%s (item %d): %s\n", what, i, strerror(errno));
    exit(1);
}

/* One VM and one guest_memfd; the caller closes them. */
static int create_gmem(int *kvm, int *vm, uint64_t size, uint64_t flags)
{
    *kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (*kvm < 0) fail("open /dev/kvm", 0);
    *vm = ioctl(*kvm, KVM_CREATE_VM, 0);
    if (*vm < 0) fail("KVM_CREATE_VM", 0);
    struct create_guest_memfd create = { .size = size, .flags = flags };
    int gmem = ioctl(*vm, KVM_CREATE_GUEST_MEMFD, &create);
    if (gmem < 0) fail("KVM_CREATE_GUEST_MEMFD", 0);
    return gmem;
}

static int map_read(uint64_t bytes, size_t chunk, int through_kernel)
{
    int kvm, vm, gmem = create_gmem(&kvm, &vm, bytes, GUEST_MEMFD_FLAG_MMAP | GUEST_MEMFD_FLAG_INIT_SHARED);
    unsigned char *buffer = malloc(chunk);
    memset(buffer, 1, chunk); /* the destination is resident before the clock starts, as a reused managed buffer is */
    unsigned sum = 0;
    double start = now_us();
    unsigned char *map = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, gmem, 0);
    if (map == MAP_FAILED) fail("mmap", 0);
    for (uint64_t at = 0; at < bytes; at += chunk) {
        size_t n = bytes - at < chunk ? bytes - at : chunk;
        if (through_kernel) {
            struct iovec local = { buffer, n }, remote = { map + at, n };
            if (process_vm_readv(getpid(), &local, 1, &remote, 1, 0) != (ssize_t)n) fail("process_vm_readv", 0);
        } else {
            memcpy(buffer, map + at, n);
        }
        sum += buffer[n - 1];
    }
    if (munmap(map, bytes)) fail("munmap", 0);
    double elapsed = now_us() - start;
    printf("mapread %.1f\n", elapsed);
    if (sum) fprintf(stderr, "unexpected non-zero bytes\n");
    free(buffer);
    close(gmem);
    close(vm);
    close(kvm);
    return 0;
}

static int guest_access(int count)
{
    uint64_t size = 2ull << 20;
    int kvm, vm, gmem = create_gmem(&kvm, &vm, size, GUEST_MEMFD_FLAG_MMAP | GUEST_MEMFD_FLAG_INIT_SHARED);
    unsigned char *map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, gmem, 0);
    if (map == MAP_FAILED) fail("mmap", 0);
    static const unsigned char code[] = { 0xA0, 0x00, 0x20, 0xF4 }; /* mov al,[0x2000]; hlt */
    memcpy(map + 0x1000, code, sizeof code);
    map[0x2000] = 0x42;
    struct memory_region2 region = {
        .slot = 0, .flags = KVM_MEM_GUEST_MEMFD, .guest_phys_addr = 0, .memory_size = size,
        .userspace_addr = (uint64_t)(uintptr_t)map, .guest_memfd_offset = 0, .guest_memfd = gmem,
    };
    if (ioctl(vm, KVM_SET_USER_MEMORY_REGION2, &region)) fail("bind", 0);
    int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
    if (vcpu < 0) fail("KVM_CREATE_VCPU", 0);
    int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    unsigned char *run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    if (run == MAP_FAILED) fail("mmap kvm_run", 0);
    unsigned char sregs[312];
    if (ioctl(vcpu, KVM_GET_SREGS, sregs)) fail("KVM_GET_SREGS", 0);
    memset(sregs, 0, 8);       /* cs.base = 0 */
    memset(sregs + 12, 0, 2);  /* cs.selector = 0 */
    if (ioctl(vcpu, KVM_SET_SREGS, sregs)) fail("KVM_SET_SREGS", 0);
    uint64_t regs[18];
    double *t = calloc(count, sizeof *t);
    for (int i = 0; i < count; i++) {
        memset(regs, 0, sizeof regs);
        regs[16] = 0x1000; /* rip */
        regs[17] = 0x2;    /* rflags: bit 1 is always set */
        double start = now_us();
        if (ioctl(vcpu, KVM_SET_REGS, regs)) fail("KVM_SET_REGS", i);
        if (ioctl(vcpu, KVM_RUN, 0)) fail("KVM_RUN", i);
        t[i] = now_us() - start;
        uint32_t exit_reason;
        memcpy(&exit_reason, run + 8, sizeof exit_reason);
        if (exit_reason != KVM_EXIT_HLT) { fprintf(stderr, "exit reason %u, not HLT\n", exit_reason); return 1; }
    }
    printf("guest_access %.3f\n", median(t, count));
    munmap(run, run_size);
    close(vcpu);
    munmap(map, size);
    close(gmem);
    close(vm);
    close(kvm);
    free(t);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "--guest-access") == 0)
        return guest_access(atoi(argv[2]));
    if (argc > 3 && strcmp(argv[1], "--map-read") == 0)
        return map_read(strtoull(argv[2], NULL, 0), (size_t)strtoull(argv[3], NULL, 0), argc > 4 && strcmp(argv[4], "vm") == 0);
    int pages = argc > 1 ? atoi(argv[1]) : 8000;
    uint64_t file_bytes = argc > 2 ? strtoull(argv[2], NULL, 0) : pages * PAGE;
    uint64_t stride = file_bytes / pages / PAGE * PAGE;
    if (pages <= 0 || stride == 0) { fprintf(stderr, "need at least one page per slot\n"); return 2; }
    double *t = calloc(pages, sizeof *t);
    int kvm, vm, gmem = create_gmem(&kvm, &vm, file_bytes, 0);

    struct memory_region2 region;
    for (int i = 0; i < pages; i++) {
        memset(&region, 0, sizeof region);
        region.slot = i;
        region.flags = KVM_MEM_GUEST_MEMFD;
        region.guest_phys_addr = i * PAGE;
        region.memory_size = PAGE;
        region.guest_memfd_offset = i * stride;
        region.guest_memfd = gmem;
        double start = now_us();
        if (ioctl(vm, KVM_SET_USER_MEMORY_REGION2, &region)) fail("bind", i);
        t[i] = now_us() - start;
    }
    printf("bind %.3f\n", median(t, pages));

    for (int i = 0; i < pages; i++) {
        double start = now_us();
        if (fallocate(gmem, FALLOC_KEEP_SIZE, i * stride, PAGE)) fail("allocate", i);
        t[i] = now_us() - start;
    }
    printf("allocate %.3f\n", median(t, pages));

    for (int i = 0; i < pages; i++) {
        double start = now_us();
        if (fallocate(gmem, FALLOC_KEEP_SIZE | FALLOC_PUNCH_HOLE, i * stride, PAGE)) fail("punch", i);
        t[i] = now_us() - start;
    }
    printf("punch %.3f\n", median(t, pages));

    for (int i = 0; i < pages; i++) {
        /* The delete request the selftests use: flags GUEST_MEMFD, size 0, fd -1, offset 0. */
        memset(&region, 0, sizeof region);
        region.slot = i;
        region.flags = KVM_MEM_GUEST_MEMFD;
        region.guest_memfd = (uint32_t)-1;
        double start = now_us();
        if (ioctl(vm, KVM_SET_USER_MEMORY_REGION2, &region)) fail("delete", i);
        t[i] = now_us() - start;
    }
    printf("delete %.3f\n", median(t, pages));

    close(gmem);
    close(vm);
    close(kvm);
    free(t);
    return 0;
}
