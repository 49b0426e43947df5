/*
 * gmem_bench: the raw cost of the guest_memfd operations GmemPS wraps, in plain C, one round.
 *
 * Order of one round (the C# runner does exactly the same through the Kvm backend):
 *   create a VM and one guest_memfd of PAGES pages;
 *   bind   PAGES 4 KiB slots: slot i at gpa i*4096, file offset i*4096  (KVM_SET_USER_MEMORY_REGION2)
 *   alloc  every page         (fallocate KEEP_SIZE)
 *   punch  every page         (fallocate KEEP_SIZE|PUNCH_HOLE, on a bound file)
 *   delete every slot         (KVM_SET_USER_MEMORY_REGION2 with memory_size 0)
 * Each call is timed alone with CLOCK_MONOTONIC; the round prints the median per operation:
 *   <operation> <median microseconds>
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
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
#define KVM_MEM_GUEST_MEMFD           (1u << 2)
#define FALLOC_KEEP_SIZE              0x01
#define FALLOC_PUNCH_HOLE             0x02
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

int main(int argc, char **argv)
{
    int pages = argc > 1 ? atoi(argv[1]) : 8000;
    double *t = calloc(pages, sizeof *t);
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0) fail("open /dev/kvm", 0);
    int vm = ioctl(kvm, KVM_CREATE_VM, 0);
    if (vm < 0) fail("KVM_CREATE_VM", 0);
    struct create_guest_memfd create = { .size = pages * PAGE };
    int gmem = ioctl(vm, KVM_CREATE_GUEST_MEMFD, &create);
    if (gmem < 0) fail("KVM_CREATE_GUEST_MEMFD", 0);

    struct memory_region2 region;
    for (int i = 0; i < pages; i++) {
        memset(&region, 0, sizeof region);
        region.slot = i;
        region.flags = KVM_MEM_GUEST_MEMFD;
        region.guest_phys_addr = i * PAGE;
        region.memory_size = PAGE;
        region.guest_memfd_offset = i * PAGE;
        region.guest_memfd = gmem;
        double start = now_us();
        if (ioctl(vm, KVM_SET_USER_MEMORY_REGION2, &region)) fail("bind", i);
        t[i] = now_us() - start;
    }
    printf("bind %.3f\n", median(t, pages));

    for (int i = 0; i < pages; i++) {
        double start = now_us();
        if (fallocate(gmem, FALLOC_KEEP_SIZE, i * PAGE, PAGE)) fail("allocate", i);
        t[i] = now_us() - start;
    }
    printf("allocate %.3f\n", median(t, pages));

    for (int i = 0; i < pages; i++) {
        double start = now_us();
        if (fallocate(gmem, FALLOC_KEEP_SIZE | FALLOC_PUNCH_HOLE, i * PAGE, PAGE)) fail("punch", i);
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
