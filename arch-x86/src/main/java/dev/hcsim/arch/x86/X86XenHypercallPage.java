package dev.hcsim.arch.x86;

import dev.hcsim.core.GuestFault;
import dev.hcsim.core.MemoryAccess;

/**
 * The guest's write of the Xen hypercall MSR (arch/x86/kvm/xen.c {@code kvm_xen_write_hypercall_page}, reached from
 * x86.c {@code kvm_set_msr_common} for a guest-initiated write of {@code xen_hvm_config.msr}). The value is the page's
 * GPA with the page number in the low 12 bits. The guest's long mode (EFER.LMA) becomes the Xen long-mode flag.
 *
 * <p>With hypercall interception KVM writes page 0 only: 128 stubs of 32 bytes, stub {@code i} being {@code mov $i,
 * %eax} ({@code b8} and {@code i} as a little-endian u32), the host's native {@code vmcall} ({@code 0f 01 c1}, Intel:
 * vmx_patch_hypercall) or {@code vmmcall} ({@code 0f 01 d9}, AMD: svm_patch_hypercall), {@code ret} ({@code c3}) and
 * 23 bytes of {@code int3} ({@code cc}). Without it, page {@code n} is copied from the VMM's blob for the guest's mode
 * ({@code blob_addr_64}/{@code blob_addr_32}, {@code n < blob_size}). Any failure is a non-zero return: the guest's
 * {@code wrmsr} takes #GP(0).
 */
final class X86XenHypercallPage {
    private X86XenHypercallPage() {
    }

    /** sizeof(instructions): one stub. */
    static final int STUB_SIZE = 32;
    /** PAGE_SIZE / sizeof(instructions). */
    static final int STUBS = 128;

    /**
     * The 32 bytes of stub {@code i} as KVM writes them.
     * @param i the hypercall number, 0 to 127
     * @param intel the host's vendor
     * @return a new array
     */
    static byte[] stub(int i, boolean intel) {
        byte[] b = new byte[STUB_SIZE];
        b[0] = (byte) 0xb8; // mov imm32, %eax
        b[1] = (byte) i;
        b[2] = (byte) (i >>> 8);
        b[3] = (byte) (i >>> 16);
        b[4] = (byte) (i >>> 24);
        b[5] = 0x0f;
        b[6] = 0x01;
        b[7] = (byte) (intel ? 0xc1 : 0xd9);
        b[8] = (byte) 0xc3; // ret
        for (int k = 9; k < STUB_SIZE; k++) {
            b[k] = (byte) 0xcc; // int3 to pad
        }
        return b;
    }

    /**
     * kvm_xen_write_hypercall_page.
     * @param x the VM's Xen state
     * @param data the value written to the MSR
     * @param lm is_long_mode(vcpu): EFER.LMA
     * @param m guest memory
     * @return true for 0 (done), false for the non-zero return that becomes #GP(0)
     */
    static boolean write(X86Xen x, long data, boolean lm, MemoryAccess m) {
        int pageNum = (int) (data & (X86Xen.PAGE_SIZE - 1));
        long pageAddr = data & ~(X86Xen.PAGE_SIZE - 1);
        x.setLongMode(lm);
        if (x.hypercallEnabled()) {
            if (pageNum != 0) {
                return false;
            }
            try {
                for (int i = 0; i < STUBS; i++) {
                    // kvm_vcpu_write_guest per stub: the stubs before a failing one stay written.
                    m.writeBytes(pageAddr + (long) i * STUB_SIZE, stub(i, x.intel()), 0, STUB_SIZE);
                }
            } catch (GuestFault f) {
                return false;
            }
            return true;
        }
        byte[] blob = x.blob(lm);
        if (pageNum >= blob.length / X86Xen.PAGE_SIZE) {
            return false;
        }
        try {
            // kvm_vcpu_write_guest copies page by page; one page here, written whole or up to the first missing byte's page.
            m.writeCopy(pageAddr, blob, (int) (pageNum * X86Xen.PAGE_SIZE), (int) X86Xen.PAGE_SIZE);
        } catch (GuestFault f) {
            return false;
        }
        return true;
    }
}
