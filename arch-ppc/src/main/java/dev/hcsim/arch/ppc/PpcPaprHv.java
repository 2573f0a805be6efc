package dev.hcsim.arch.ppc;

import static dev.hcsim.arch.ppc.PpcPapr.*;

import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.MemoryRegion;
import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.spi.Trap;
import dev.hcsim.core.spi.VmContext;

/**
 * Book3S HV's in-kernel PAPR hcalls ({@code arch/powerpc/kvm/book3s_hv.c kvmppc_pseries_do_hcall}, with H_CEDE from
 * {@code kvmppc_cede} on the P9 entry path) for a radix guest on a POWER10 host, the state hcsim models: no hashed
 * page table, no TCE table, no in-kernel interrupt controller, MMIO device or RTAS token, nesting and secure VMs off.
 */
final class PpcPaprHv {
    /** H_VPA_FUNC_SHIFT / H_VPA_FUNC_MASK: the subfunction in bits 16..18 of r4 (hvcall.h). */
    static final int VPA_FUNC_SHIFT = 45;
    static final int VPA_REG_VPA = 1;
    static final int VPA_REG_DTL = 2;
    static final int VPA_REG_SLB = 3;
    static final int VPA_DEREG_VPA = 5;
    static final int VPA_DEREG_DTL = 6;
    static final int VPA_DEREG_SLB = 7;
    /** L1_CACHE_BYTES on ppc64: a VPA must be 128-byte aligned. */
    static final long L1_CACHE_BYTES = 128;
    /** Host PAGE_SIZE (64 KiB, ppc64_defconfig): kvmppc_pin_guest_page reports the bytes left in that page. */
    static final long HOST_PAGE_SIZE = 0x10000;
    /** sizeof(struct reg_vpa), sizeof(struct lppaca), sizeof(struct dtl_entry). */
    static final long REG_VPA_SIZE = 12;
    static final long LPPACA_SIZE = 640;
    static final long DTL_ENTRY_SIZE = 48;
    /** Offset of lppaca.yield_count (the first word of its third cache line). */
    static final long LPPACA_YIELD_COUNT = 0x100;

    static final long H_ICACHE_INVALIDATE = 1L << (63 - 40);
    static final long H_ICACHE_SYNCHRONIZE = 1L << (63 - 41);
    static final long H_ZERO_PAGE = 1L << (63 - 48);
    static final long H_COPY_PAGE = 1L << (63 - 49);
    static final long H_PAGE_SET_LOANED = 1L << (63 - 28) | 1L << (63 - 29) | 1L << (63 - 30) | 1L << (63 - 31);
    static final long H_RPTI_TYPE_NESTED = 1;
    static final long SET_MODE_CIABR = 1;
    static final long SET_MODE_DAWR0 = 2;
    static final long SET_MODE_DAWR1 = 5;
    static final long CIABR_PRIV_HYPER = 3;
    static final long DABRX_HYP = 4;
    /** DABRX_USER, DABRX_KERNEL, DABRX_BTI (arch/powerpc/include/asm/reg.h: __MASK(0), __MASK(1), __MASK(3)). */
    static final long DABRX_USER = 1;
    static final long DABRX_KERNEL = 2;
    static final long DABRX_BTI = 8;

    private PpcPaprHv() {
    }

    /** kvmppc_pseries_do_hcall: true when it resumes the guest with r3 set, false for RESUME_HOST (the exit). */
    static boolean handle(Trap t, PpcVm vm, PpcPapr papr, long cmd) {
        if (!papr.enabled(cmd)) {
            return false;
        }
        RegisterAccess r = t.registers();
        long ret;
        if (cmd == H_REMOVE || cmd == H_ENTER || cmd == H_READ || cmd == H_CLEAR_MOD || cmd == H_CLEAR_REF || cmd == H_PROTECT
                || cmd == H_BULK_REMOVE) {
            ret = H_FUNCTION; // book3s_hv_rm_mmu.c: the HPT calls of a radix guest (kvm_is_radix) answer H_FUNCTION
        } else if (cmd == H_CEDE) {
            // kvmppc_cede: MSR[EE] set, ceded; a pending prod cancels the wait (the scheduler's kick does the same).
            r.set(PpcRegisters.MSR, r.get(PpcRegisters.MSR) | PpcRegisters.MSR_EE);
            t.halt();
            ret = H_SUCCESS;
        } else if (cmd == H_PROD) {
            int target = t.vm().vcpuIndex(r.get(4));
            if (target < 0) {
                ret = H_PARAMETER;
            } else {
                t.control().kick(target); // prodded = 1; kvmppc_fast_vcpu_kick_hv when it has ceded
                ret = H_SUCCESS;
            }
        } else if (cmd == H_CONFER) {
            ret = confer(t, vm, r);
        } else if (cmd == H_REGISTER_VPA) {
            ret = vm.paprState().registerVpa(t, r.get(4), r.get(5), r.get(6));
        } else if (cmd == H_SET_MODE) {
            ret = setMode(r.get(4), r.get(5), r.get(6), r.get(7));
            if (ret == Long.MIN_VALUE) {
                return false; // H_TOO_HARD
            }
        } else if (cmd == H_SET_DABR) {
            ret = setXdabr(DABRX_USER | DABRX_KERNEL); // kvmppc_h_set_dabr: li r5, DABRX_USER | DABRX_KERNEL
        } else if (cmd == H_SET_XDABR) {
            ret = setXdabr(r.get(5));
        } else if (cmd == H_RANDOM) {
            r.set(4, vm.paprState().random()); // arch_get_random_seed_long: darn on POWER9 and later
            ret = H_SUCCESS;
        } else if (cmd == H_RPT_INVALIDATE) {
            long type = r.get(6);
            if (Long.compareUnsigned(r.get(9), r.get(8)) < 0) {
                ret = H_P5;
            } else if ((type & H_RPTI_TYPE_NESTED) != 0) {
                ret = H_FUNCTION; // nesting_enabled false
            } else {
                ret = H_SUCCESS; // process-scoped invalidation: no TLB to flush in the simulator
            }
        } else if (cmd == H_SET_PARTITION_TABLE || cmd == H_ENTER_NESTED || cmd == H_TLB_INVALIDATE || cmd == H_COPY_TOFROM_GUEST) {
            ret = H_FUNCTION; // !nesting_enabled(kvm): KVM_CAP_PPC_NESTED_HV not enabled
        } else if (cmd == H_SVM_PAGE_IN || cmd == H_SVM_PAGE_OUT || cmd == H_SVM_INIT_START || cmd == H_SVM_INIT_DONE
                || cmd == H_SVM_INIT_ABORT) {
            ret = H_UNSUPPORTED; // not a secure guest (SRR1 MSR_S clear, no KVMPPC_SECURE_INIT_START)
        } else if (cmd == H_PAGE_INIT) {
            ret = pageInit(t, r.get(4), r.get(5), r.get(6));
        } else {
            // H_RTAS, H_LOGICAL_CI_*, the XICS calls, the TCE calls (too hard without a table) and every other number:
            // RESUME_HOST.
            return false;
        }
        answer(t, ret);
        return true;
    }

    /** H_CONFER: -1 confers to nobody; an unknown target is H_PARAMETER; a yield only when the yield count matches. */
    private static long confer(Trap t, PpcVm vm, RegisterAccess r) {
        long target = r.get(4);
        if (target == -1) {
            return H_SUCCESS;
        }
        int idx = t.vm().vcpuIndex(target);
        if (idx < 0) {
            return H_PARAMETER;
        }
        int yieldCount = (int) r.get(5);
        if (vm.paprState().yieldCount(idx, t) == yieldCount && idx != t.vcpu() && t.control().state(idx) == VcpuState.RUNNABLE) {
            t.yieldTo(idx); // kvm_arch_vcpu_yield_to
        }
        return H_SUCCESS;
    }

    /**
     * kvmppc_h_set_mode on a POWER10 host (power8-compatible guest, DAWR available, CPU_FTR_DAWR1 present, the VM
     * without KVM_CAP_PPC_DAWR1); {@code Long.MIN_VALUE} for H_TOO_HARD.
     */
    static long setMode(long mflags, long resource, long value1, long value2) {
        if (resource == SET_MODE_CIABR) {
            if (value2 != 0) {
                return H_P4;
            }
            if (mflags != 0) {
                return H_UNSUPPORTED_FLAG_START;
            }
            return (value1 & CIABR_PRIV_HYPER) == CIABR_PRIV_HYPER ? H_P3 : H_SUCCESS; // guests can't breakpoint the hypervisor
        }
        if (resource == SET_MODE_DAWR0) {
            if (mflags != 0) {
                return H_UNSUPPORTED_FLAG_START;
            }
            return (value2 & DABRX_HYP) != 0 ? H_P4 : H_SUCCESS;
        }
        if (resource == SET_MODE_DAWR1) {
            return H_FUNCTION; // !vcpu->kvm->arch.dawr1_enabled
        }
        return Long.MIN_VALUE; // ADDR_TRANS_MODE (no POWER9 prefetch bug), LE and unknown resources: H_TOO_HARD
    }

    /**
     * kvmppc_h_set_xdabr / kvmppc_h_set_dabr (book3s_hv_rmhandlers.S, reached from kvmppc_pseries_do_hcall) with the
     * DABRX value in r5: neither DABRX_USER nor DABRX_KERNEL set, or any bit other than USER, KERNEL and BTI, is
     * H_PARAMETER. Otherwise a POWER8-or-later host (CPU_FTR_ARCH_207S) has no DABR: with CPU_FTR_DAWR (POWER10 has it)
     * the DABR is emulated in DAWR0/DAWRX0 ("for the sake of compat mode guests") and the answer is H_SUCCESS; a host
     * without it (POWER9 with the DAWR disabled) answers H_HARDWARE. The DAWR0/DAWRX0 values are vCPU state only
     * KVM_GET_ONE_REG shows, which the control surface does not offer, so only the answer is modelled.
     */
    static long setXdabr(long dabrx) {
        if ((dabrx & (DABRX_USER | DABRX_KERNEL)) == 0 || (dabrx & ~(DABRX_USER | DABRX_KERNEL | DABRX_BTI)) != 0) {
            return H_PARAMETER;
        }
        return H_SUCCESS; // the POWER10 host of this flavour has CPU_FTR_DAWR
    }

    /** kvmppc_h_page_init: flag and alignment checks, then zero or copy one 4 KiB page of guest memory. */
    private static long pageInit(Trap t, long flags, long dest, long src) {
        long pgMask = 0xFFF;
        if ((flags & ~(H_ICACHE_INVALIDATE | H_ICACHE_SYNCHRONIZE | H_ZERO_PAGE | H_COPY_PAGE | H_PAGE_SET_LOANED)) != 0) {
            return H_PARAMETER;
        }
        if ((dest & pgMask) != 0 || ((flags & H_COPY_PAGE) != 0 && (src & pgMask) != 0)) {
            return H_PARAMETER;
        }
        VmContext vm = t.vm();
        if ((flags & H_COPY_PAGE) != 0) {
            // kvmppc_copy_guest: both within one memslot, and "(from + len) >= slot end" is -EINVAL (a page that ends the
            // slot exactly is refused, as the kernel's >= makes it).
            if (!insideSlot(vm, src, 4096) || !insideSlot(vm, dest, 4096)) {
                return H_PARAMETER;
            }
            byte[] page = new byte[4096];
            t.memory().readBytes(src, page, 0, 4096);
            t.memory().writeBytes(dest, page, 0, 4096);
        } else if ((flags & H_ZERO_PAGE) != 0) {
            if (!t.memory().readable(dest, 4096)) {
                return H_PARAMETER; // kvm_clear_guest fails
            }
            t.memory().writeBytes(dest, new byte[4096], 0, 4096);
        }
        return H_SUCCESS;
    }

    private static boolean insideSlot(VmContext vm, long gpa, long len) {
        for (MemoryRegion m : vm.config().memory()) {
            if (m.contains(gpa, 1)) {
                return Long.compareUnsigned(gpa + len, m.base() + m.size()) < 0;
            }
        }
        return false;
    }

    /** The per-vCPU state of Book3S HV's PAPR calls: the registered VPA, DTL and SLB shadow areas. */
    static final class State {
        private final long[] vpa;
        private final long[] dtl;
        private final long[] slb;
        /** Whether the vCPU is in the guest (between two dispatch increments); the count is odd exactly then. */
        private final boolean[] inGuest;
        /** One 4-byte buffer per vCPU for the big-endian yield_count, so the trap path allocates nothing. */
        private final byte[][] scratch;
        private final dev.hcsim.core.spi.SeededRandom random;

        State(int vcpus, long seed) {
            vpa = new long[vcpus];
            dtl = new long[vcpus];
            slb = new long[vcpus];
            inGuest = new boolean[vcpus];
            scratch = new byte[vcpus][4];
            random = new dev.hcsim.core.spi.SeededRandom(seed ^ 0x4852_414e_444f_4dL); // "HRANDOM": from the VM seed only
        }

        synchronized long random() {
            return random.nextLong();
        }

        /** kvmppc_get_yield_count: lppaca->yield_count of a registered VPA (big-endian), else 0. */
        int yieldCount(int vcpu, Trap t) {
            long a = vpa[vcpu];
            if (a == 0) {
                return 0;
            }
            byte[] b = scratch[t.vcpu()];
            t.memory().readBytes(a + LPPACA_YIELD_COUNT, b, 0, 4);
            return (int) dev.hcsim.core.Bytes.get(b, 0, 4, true);
        }

        /**
         * The vCPU enters the guest: on POWER9 and later, kvmhv_p9_guest_entry (book3s_hv.c) calls
         * vcpu_vpa_increment_dispatch before it enters the guest and again after the guest exits, so the registered
         * VPA's yield_count is odd while the vCPU runs guest code and even while it is out (preempted, ceded, in the
         * host). Called when the scheduler dispatches the vCPU and when an in-kernel hcall resumes the guest.
         */
        void guestEntry(int vcpu, MemoryAccess m) {
            if (!inGuest[vcpu]) {
                inGuest[vcpu] = true;
                incrementDispatch(vcpu, m);
            }
        }

        /**
         * The vCPU leaves the guest (an hcall's exit, or the scheduler taking it off its CPU). A trap of a vCPU not
         * marked in the guest (an embedder's first Vm.trap, no scheduler) counts its entry first, as the KVM_RUN
         * that ran it did.
         */
        void guestExit(int vcpu, MemoryAccess m) {
            guestEntry(vcpu, m);
            inGuest[vcpu] = false;
            incrementDispatch(vcpu, m);
        }

        /** vcpu_vpa_increment_dispatch: yield_count + 1 (big-endian u32) in the registered VPA, nothing without one. */
        private void incrementDispatch(int vcpu, MemoryAccess m) {
            long a = vpa[vcpu];
            if (a == 0 || !m.readable(a + LPPACA_YIELD_COUNT, 4)) {
                return;
            }
            byte[] b = scratch[vcpu];
            m.readBytes(a + LPPACA_YIELD_COUNT, b, 0, 4);
            dev.hcsim.core.Bytes.put(b, 0, 4, dev.hcsim.core.Bytes.get(b, 0, 4, true) + 1, true);
            m.writeBytes(a + LPPACA_YIELD_COUNT, b, 0, 4);
        }

        /**
         * The registered VPA of {@code vcpu} (0: none).
         * @param vcpu the vCPU index
         * @return the guest physical address of its lppaca, or 0
         */
        long vpa(int vcpu) {
            return vpa[vcpu];
        }

        /** do_h_register_vpa (book3s_hv.c): flags = r4 (subfunction in bits 45..47), target vCPU id = r5, address = r6. */
        long registerVpa(Trap t, long flags, long vcpuId, long addr) {
            int target = t.vm().vcpuIndex(vcpuId);
            if (target < 0) {
                return H_PARAMETER;
            }
            int subfunc = (int) ((flags >>> VPA_FUNC_SHIFT) & 7);
            long len;
            if (subfunc == VPA_REG_VPA || subfunc == VPA_REG_DTL || subfunc == VPA_REG_SLB) {
                if ((addr & (L1_CACHE_BYTES - 1)) != 0 || addr == 0) {
                    return H_PARAMETER;
                }
                long nb = HOST_PAGE_SIZE - (addr & (HOST_PAGE_SIZE - 1)); // kvmppc_pin_guest_page
                int size = subfunc == VPA_REG_VPA ? 2 : 4;
                if (!t.memory().readable(addr + 4, size)) {
                    return H_PARAMETER;
                }
                byte[] b = new byte[4];
                t.memory().readBytes(addr + 4, b, 0, size); // reg_vpa.length: hword for the VPA, word otherwise (BE)
                len = dev.hcsim.core.Bytes.get(b, 0, size, true);
                if (len > nb || len < REG_VPA_SIZE) {
                    return H_PARAMETER;
                }
            } else {
                addr = 0;
                len = 0;
            }
            switch (subfunc) {
                case VPA_REG_VPA -> {
                    if (len < LPPACA_SIZE) {
                        return H_PARAMETER;
                    }
                    vpa[target] = addr;
                }
                case VPA_REG_DTL -> {
                    if (len < DTL_ENTRY_SIZE) {
                        return H_PARAMETER;
                    }
                    if (vpa[target] == 0) {
                        return H_RESOURCE; // a VPA must be registered first
                    }
                    dtl[target] = addr;
                }
                case VPA_REG_SLB -> {
                    if (vpa[target] == 0) {
                        return H_RESOURCE;
                    }
                    slb[target] = addr;
                }
                case VPA_DEREG_VPA -> {
                    if (dtl[target] != 0 || slb[target] != 0) {
                        return H_RESOURCE; // the DTL and SLB shadow go first
                    }
                    vpa[target] = 0;
                }
                case VPA_DEREG_DTL -> dtl[target] = 0;
                case VPA_DEREG_SLB -> slb[target] = 0;
                default -> {
                    return H_PARAMETER;
                }
            }
            return H_SUCCESS;
        }
    }
}
