package dev.hcsim.arch.x86;

import dev.hcsim.core.GuestFault;
import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.VcpuControl;

/**
 * Xen 2-level event channels and timers as arch/x86/kvm/xen.c delivers them: raising a port in shared_info and the
 * target's vcpu_info ({@code kvm_xen_set_evtchn_fast}, {@code kvm_xen_set_evtchn}), waking a poller
 * ({@code kvm_xen_check_poller}), the singleshot timer ({@code kvm_xen_start_timer}, {@code xen_timer_callback},
 * {@code kvm_xen_stop_timer}) and the poll timeout ({@code cancel_evtchn_poll}).
 *
 * <p>Layouts (include/xen/interface/xen.h, arch/x86/kvm/xen.h): 64-bit shared_info has {@code evtchn_pending[64]} (u64)
 * at 0x800 and {@code evtchn_mask[64]} at 0xa00; the compat one has {@code evtchn_pending[32]} (u32) at 0x800 and
 * {@code evtchn_mask[32]} at 0x880. vcpu_info has {@code evtchn_upcall_pending} at 0 and {@code evtchn_pending_sel} at
 * 8 (u64) or 4 (u32). Bit {@code n} of a little-endian bitmap is bit {@code n % 8} of byte {@code n / 8} in both.
 */
final class X86XenEvents {
    private X86XenEvents() {
    }

    static final long PENDING_OFFSET = 0x800;
    static final long MASK_OFFSET_64 = 0xa00;
    static final long MASK_OFFSET_32 = 0x880;

    /** test_and_set_bit on a little-endian bitmap in guest memory: true when the bit was already set. */
    private static boolean testAndSet(MemoryAccess m, long base, int bit) {
        long a = base + (bit >>> 3);
        long b = m.read8(a);
        int mask = 1 << (bit & 7);
        if ((b & mask) != 0) {
            return true;
        }
        m.write(a, 1, b | mask);
        return false;
    }

    /** test_bit on a little-endian bitmap in guest memory. */
    static boolean test(MemoryAccess m, long base, int bit) {
        return (m.read8(base + (bit >>> 3)) & (1 << (bit & 7))) != 0;
    }

    /** The shared_info page mapped and wholly in guest memory (kvm_gpc_check(gpc, PAGE_SIZE)). */
    static boolean sharedInfoMapped(X86Xen x, MemoryAccess m) {
        long gpa = x.sharedInfoGpa();
        return gpa != X86Xen.INVALID && m.readable(gpa, (int) X86Xen.PAGE_SIZE);
    }

    /** The vcpu_info of {@code vcpu} set and in guest memory (kvm_gpc_check(gpc, sizeof(struct vcpu_info))). */
    static boolean vcpuInfoMapped(X86Xen x, int vcpu, MemoryAccess m) {
        long gpa = x.vcpuInfo[vcpu];
        return gpa != X86Xen.INVALID && m.readable(gpa, 64);
    }

    /**
     * kvm_xen_set_evtchn (the fast path, then the slow path's kvm_gpc_refresh): 1 when delivered to the bitmap, 0
     * when already pending, -ENOTCONN when masked, -EINVAL for an unknown vCPU or a port past the limit or no
     * shared_info (an inactive cache's refresh fails with -EINVAL), -EFAULT when shared_info is not in guest memory.
     */
    static long setEvtchn(X86Xen x, int port, long vcpuId, MemoryAccess m, VcpuControl c) {
        int target = x.vm().vcpuIndex(vcpuId);
        if (target < 0) {
            return X86XenStatus.EINVAL;
        }
        if (port < 0 || port >= x.maxEvtchnPort()) {
            return X86XenStatus.EINVAL;
        }
        if (!sharedInfoMapped(x, m)) {
            return x.sharedInfoGpa() == X86Xen.INVALID ? X86XenStatus.EINVAL : X86XenStatus.EFAULT;
        }
        boolean lm = x.longMode();
        long shinfo = x.sharedInfoGpa();
        if (testAndSet(m, shinfo + PENDING_OFFSET, port)) {
            return 0; // "It was already raised"
        }
        if (test(m, shinfo + (lm ? MASK_OFFSET_64 : MASK_OFFSET_32), port)) {
            checkPoller(x, target, port, c);
            return X86XenStatus.ENOTCONN;
        }
        int wordBit = lm ? port / 64 : port / 32;
        boolean kick = false;
        if (!vcpuInfoMapped(x, target, m)) {
            // "Could not access the vcpu_info. Set the bit in-kernel and prod the vCPU to deliver it for itself."
            long bit = 1L << wordBit;
            kick = (x.pendingSel[target] & bit) == 0;
            x.pendingSel[target] |= bit;
        } else {
            long vi = x.vcpuInfo[target];
            if (!testAndSet(m, vi + (lm ? 8 : 4), wordBit)) {
                m.write(vi, 1, 1); // WRITE_ONCE(vcpu_info->evtchn_upcall_pending, 1)
                kick = true;
            }
            if (kick && x.vcpuUpcallVector[target] != 0) {
                c.interrupt(target, x.vcpuUpcallVector[target]); // kvm_xen_inject_vcpu_vector: a fixed MSI to the vCPU
                kick = false;
            }
        }
        if (kick) {
            prod(x, target, c);
        }
        return 1;
    }

    /**
     * kvm_make_request(KVM_REQ_UNBLOCK) + kvm_vcpu_kick. With the VM-wide callback vector set and the vcpu_info in
     * place, the next entry injects that vector because evtchn_upcall_pending is now 1 (kvm_xen_has_interrupt, read by
     * kvm_cpu_has_extint): the scheduler sees it as that interrupt.
     */
    private static void prod(X86Xen x, int target, VcpuControl c) {
        if (x.upcallVector() != 0 && x.vcpuInfo[target] != X86Xen.INVALID) {
            c.interrupt(target, x.upcallVector());
        } else {
            c.kick(target);
        }
    }

    /** kvm_xen_check_poller: a poller of this port (or of several ports) leaves poll_mask and is woken. */
    static void checkPoller(X86Xen x, int target, int port, VcpuControl c) {
        int p = x.pollEvtchn[target];
        if ((p == port || p == -1) && x.polling[target]) {
            x.polling[target] = false;
            c.kick(target);
        }
    }

    /**
     * kvm_xen_inject_pending_events, at the vCPU's next entry: bits kept in the kernel while the vcpu_info was
     * unreachable go into it, with evtchn_upcall_pending; then the per-vCPU vector, if set.
     */
    static void vcpuEntry(X86Xen x, int vcpu, MemoryAccess m, VcpuControl c) {
        long sel = x.pendingSel[vcpu];
        if (sel == 0 || !vcpuInfoMapped(x, vcpu, m)) {
            return;
        }
        long vi = x.vcpuInfo[vcpu];
        try {
            if (x.longMode()) {
                m.write(vi + 8, 8, m.read64(vi + 8) | sel);
            } else {
                m.write(vi + 4, 4, (m.read32(vi + 4) | sel) & 0xFFFF_FFFFL);
            }
            m.write(vi, 1, 1);
        } catch (GuestFault ignored) {
            return; // vcpuInfoMapped checked the whole structure; kept for a memory that changes under us
        }
        x.pendingSel[vcpu] = 0;
        if (x.vcpuUpcallVector[vcpu] != 0) {
            c.interrupt(vcpu, x.vcpuUpcallVector[vcpu]);
        }
    }

    /**
     * kvm_xen_start_timer: timer_expires = the absolute time; a delta &lt;= 0 calls xen_timer_callback at once, which
     * raises the timer port on this vCPU and clears timer_expires.
     */
    static void startTimer(X86Xen x, int vcpu, long guestAbs, long deltaNs, MemoryAccess m, VcpuControl c) {
        x.timerExpires[vcpu] = guestAbs;
        if (deltaNs <= 0) {
            timerCallback(x, vcpu, m, c);
        }
    }

    /** kvm_xen_stop_timer. */
    static void stopTimer(X86Xen x, int vcpu) {
        x.timerExpires[vcpu] = 0;
    }

    /**
     * xen_timer_callback / kvm_xen_inject_timer_irqs: raise timer_virq on this vCPU (by its KVM vCPU id); timer_expires
     * goes back to 0 whatever the delivery gave (a delivery that fails is dropped, as the kernel drops it).
     */
    static void timerCallback(X86Xen x, int vcpu, MemoryAccess m, VcpuControl c) {
        x.timerExpires[vcpu] = 0;
        try {
            setEvtchn(x, x.timerVirq[vcpu], x.vm().vcpuId(vcpu), m, c);
        } catch (GuestFault ignored) {
            // sharedInfoMapped checked the page; a vcpu_info read past memory is the kernel's failed kvm_gpc_check
        }
    }

    /**
     * Fires every timer due at {@code now}: singleshot timers (timer_expires &lt;= now) and poll timeouts
     * (cancel_evtchn_poll: KVM_REQ_UNBLOCK and a kick).
     * @return the earliest deadline still pending, Long.MAX_VALUE for none
     */
    static long fireDue(X86Xen x, long now, MemoryAccess m, VcpuControl c) {
        long next = Long.MAX_VALUE;
        for (int v = 0; v < x.timerExpires.length; v++) {
            long e = x.timerExpires[v];
            if (e != 0 && x.timerVirq[v] != 0) {
                if (e <= now) {
                    timerCallback(x, v, m, c);
                } else {
                    next = Math.min(next, e);
                }
            }
            long d = x.pollDeadline[v];
            if (d != Long.MAX_VALUE) {
                if (d <= now) {
                    x.pollDeadline[v] = Long.MAX_VALUE;
                    c.kick(v);
                } else {
                    next = Math.min(next, d);
                }
            }
        }
        return next;
    }

    /** The vCPU runs again after SCHEDOP_poll: poll_evtchn = 0, its poll_mask bit cleared, the poll timer deleted. */
    static void pollDone(X86Xen x, int vcpu) {
        x.pollEvtchn[vcpu] = 0;
        x.polling[vcpu] = false;
        x.pollDeadline[vcpu] = Long.MAX_VALUE;
    }
}
