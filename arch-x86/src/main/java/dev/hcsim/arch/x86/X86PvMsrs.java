package dev.hcsim.arch.x86;

import dev.hcsim.core.spi.VmContext;
import java.util.Arrays;

/**
 * The KVM paravirtual MSRs of every vCPU (arch/x86/include/uapi/asm/kvm_para.h), with the checks of
 * arch/x86/kvm/x86.c kvm_set_msr_common / kvm_get_msr_common. One model serves the guest's
 * {@code rdmsr}/{@code wrmsr} (a refusal is #GP) and the VMM's KVM_GET_MSRS/KVM_SET_MSRS (a refusal
 * ends the ioctl's count), as in the kernel, where both reach the same functions.
 *
 * <p>Each MSR first passes {@code guest_pv_has(vcpu, KVM_FEATURE_*)}: with
 * KVM_CAP_ENFORCE_PV_FEATURE_CPUID on, an MSR whose CPUID bit the VMM did not set is
 * KVM_MSR_RET_UNSUPPORTED. For a host-initiated access kvm_do_msr_access then lets a read return 0
 * and a write of 0 pass, because these MSRs are advertised (emulated_msrs_all).
 */
final class X86PvMsrs {
    static final long MSR_KVM_WALL_CLOCK = 0x11;
    static final long MSR_KVM_SYSTEM_TIME = 0x12;
    static final long MSR_KVM_WALL_CLOCK_NEW = 0x4b564d00L;
    static final long MSR_KVM_SYSTEM_TIME_NEW = 0x4b564d01L;
    static final long MSR_KVM_ASYNC_PF_EN = 0x4b564d02L;
    static final long MSR_KVM_STEAL_TIME = 0x4b564d03L;
    static final long MSR_KVM_PV_EOI_EN = 0x4b564d04L;
    static final long MSR_KVM_POLL_CONTROL = 0x4b564d05L;
    static final long MSR_KVM_ASYNC_PF_INT = 0x4b564d06L;
    static final long MSR_KVM_ASYNC_PF_ACK = 0x4b564d07L;
    static final long MSR_KVM_MIGRATION_CONTROL = 0x4b564d08L;

    /** Every KVM PV MSR, in number order of the uAPI header. */
    static final long[] ALL = {MSR_KVM_WALL_CLOCK, MSR_KVM_SYSTEM_TIME, MSR_KVM_WALL_CLOCK_NEW, MSR_KVM_SYSTEM_TIME_NEW, MSR_KVM_ASYNC_PF_EN,
        MSR_KVM_STEAL_TIME, MSR_KVM_PV_EOI_EN, MSR_KVM_POLL_CONTROL, MSR_KVM_ASYNC_PF_INT, MSR_KVM_ASYNC_PF_ACK, MSR_KVM_MIGRATION_CONTROL};

    /** kvm_para.h KVM_ASYNC_PF_* bits of MSR_KVM_ASYNC_PF_EN. */
    static final long KVM_ASYNC_PF_ENABLED = 1;
    static final long KVM_ASYNC_PF_DELIVERY_AS_PF_VMEXIT = 1L << 2;
    static final long KVM_ASYNC_PF_DELIVERY_AS_INT = 1L << 3;

    private static final int F_CLOCKSOURCE = 0;
    private static final int F_CLOCKSOURCE2 = 3;
    private static final int F_ASYNC_PF = 4;
    private static final int F_STEAL_TIME = 5;
    private static final int F_PV_EOI = 6;
    private static final int F_ASYNC_PF_VMEXIT = 10;
    private static final int F_POLL_CONTROL = 12;
    private static final int F_ASYNC_PF_INT = 14;

    /** What the access came to: done, or KVM_MSR_RET_UNSUPPORTED / 1 (an error), as x86.c returns them. */
    enum Result {
        OK, UNSUPPORTED, ERROR
    }

    private final VmContext vm;
    private final X86Vm x86;
    /** kvm->arch.wall_clock: one per VM. */
    private volatile long wallClock;
    /** vcpu->arch.time, apf.msr_en_val, apf.msr_int_val, st.msr_val, pv_eoi.msr_val, msr_kvm_poll_control. */
    final long[] systemTime;
    final long[] asyncPfEn;
    final long[] asyncPfInt;
    final long[] stealTime;
    final long[] pvEoi;
    final long[] pollControl;

    X86PvMsrs(VmContext vm, X86Vm x86) {
        this.vm = vm;
        this.x86 = x86;
        int n = vm.vcpuCount();
        systemTime = new long[n];
        asyncPfEn = new long[n];
        asyncPfInt = new long[n];
        stealTime = new long[n];
        pvEoi = new long[n];
        pollControl = new long[n];
        Arrays.fill(pollControl, 1); // kvm_arch_vcpu_create: "poll control enabled by default"
    }

    /** The CPUID bit that gates {@code msr}, or -1 when none (MIGRATION_CONTROL is not emulated in the kernel). */
    private static int featureOf(long msr) {
        if (msr == MSR_KVM_WALL_CLOCK || msr == MSR_KVM_SYSTEM_TIME) {
            return F_CLOCKSOURCE;
        } else if (msr == MSR_KVM_WALL_CLOCK_NEW || msr == MSR_KVM_SYSTEM_TIME_NEW) {
            return F_CLOCKSOURCE2;
        } else if (msr == MSR_KVM_ASYNC_PF_EN) {
            return F_ASYNC_PF;
        } else if (msr == MSR_KVM_STEAL_TIME) {
            return F_STEAL_TIME;
        } else if (msr == MSR_KVM_PV_EOI_EN) {
            return F_PV_EOI;
        } else if (msr == MSR_KVM_POLL_CONTROL) {
            return F_POLL_CONTROL;
        } else if (msr == MSR_KVM_ASYNC_PF_INT || msr == MSR_KVM_ASYNC_PF_ACK) {
            return F_ASYNC_PF_INT;
        }
        return -1;
    }

    private boolean pvHas(int bit) {
        return x86.guestPvHas(bit);
    }

    /**
     * kvm_set_msr_common for a KVM MSR.
     * @param vcpu the vCPU
     * @param msr the MSR
     * @param data the value
     * @return OK, UNSUPPORTED (the feature's CPUID bit is off, or no such MSR in the kernel) or ERROR
     */
    Result set(int vcpu, long msr, long data) {
        int f = featureOf(msr);
        if (f < 0) {
            return Result.UNSUPPORTED; // MIGRATION_CONTROL and unknown MSRs: the VMM's MSR filter handles them, not KVM
        }
        if (!pvHas(f)) {
            return Result.UNSUPPORTED;
        }
        if (msr == MSR_KVM_WALL_CLOCK || msr == MSR_KVM_WALL_CLOCK_NEW) {
            wallClock = data; // kvm_write_wall_clock also writes struct pvclock_wall_clock there: not modelled
        } else if (msr == MSR_KVM_SYSTEM_TIME || msr == MSR_KVM_SYSTEM_TIME_NEW) {
            systemTime[vcpu] = data; // kvm_write_system_time: no reserved bits are checked
        } else if (msr == MSR_KVM_ASYNC_PF_EN) {
            return enableAsyncPf(vcpu, data);
        } else if (msr == MSR_KVM_ASYNC_PF_INT) {
            if ((data >>> 8) != 0) {
                return Result.ERROR; // kvm_pv_enable_async_pf_int: only the vector in bits 7:0
            }
            asyncPfInt[vcpu] = data;
        } else if (msr == MSR_KVM_ASYNC_PF_ACK) {
            return Result.OK; // bit 0 clears apf.pageready_pending: no async page faults are modelled
        } else if (msr == MSR_KVM_STEAL_TIME) {
            if ((data & 0x3E) != 0) {
                return Result.ERROR; // KVM_STEAL_RESERVED_MASK, bits 5:1
            }
            stealTime[vcpu] = data;
        } else if (msr == MSR_KVM_PV_EOI_EN) {
            long addr = data & ~1L;
            if ((addr & 3) != 0) {
                return Result.ERROR; // kvm_lapic_set_pv_eoi: !IS_ALIGNED(addr, 4)
            }
            if ((data & 1) != 0 && !vm.config().inMemory(addr, 1)) {
                return Result.ERROR; // kvm_gfn_to_hva_cache_init fails
            }
            pvEoi[vcpu] = data;
        } else {
            if ((data & ~1L) != 0) {
                return Result.ERROR; // MSR_KVM_POLL_CONTROL: "only enable bit supported"
            }
            pollControl[vcpu] = data;
        }
        return Result.OK;
    }

    /** kvm_pv_enable_async_pf. */
    private Result enableAsyncPf(int vcpu, long data) {
        if ((data & 0x30) != 0) {
            return Result.ERROR; // bits 5:4 are reserved
        }
        if ((data & KVM_ASYNC_PF_DELIVERY_AS_PF_VMEXIT) != 0 && !pvHas(F_ASYNC_PF_VMEXIT)) {
            return Result.ERROR;
        }
        if ((data & KVM_ASYNC_PF_DELIVERY_AS_INT) != 0 && !pvHas(F_ASYNC_PF_INT)) {
            return Result.ERROR;
        }
        boolean enabled = (data & (KVM_ASYNC_PF_ENABLED | KVM_ASYNC_PF_DELIVERY_AS_INT)) == (KVM_ASYNC_PF_ENABLED | KVM_ASYNC_PF_DELIVERY_AS_INT);
        if (enabled && !vm.config().inMemory(data & ~0x3FL, 8)) {
            return Result.ERROR; // kvm_gfn_to_hva_cache_init(..., sizeof(u64))
        }
        asyncPfEn[vcpu] = data;
        return Result.OK;
    }

    /**
     * kvm_get_msr_common for a KVM MSR.
     * @param vcpu the vCPU
     * @param msr the MSR
     * @return the value, or null for KVM_MSR_RET_UNSUPPORTED
     */
    Long get(int vcpu, long msr) {
        int f = featureOf(msr);
        if (f < 0 || !pvHas(f)) {
            return null;
        }
        if (msr == MSR_KVM_WALL_CLOCK || msr == MSR_KVM_WALL_CLOCK_NEW) {
            return wallClock;
        } else if (msr == MSR_KVM_SYSTEM_TIME || msr == MSR_KVM_SYSTEM_TIME_NEW) {
            return systemTime[vcpu];
        } else if (msr == MSR_KVM_ASYNC_PF_EN) {
            return asyncPfEn[vcpu];
        } else if (msr == MSR_KVM_ASYNC_PF_INT) {
            return asyncPfInt[vcpu];
        } else if (msr == MSR_KVM_ASYNC_PF_ACK) {
            return 0L;
        } else if (msr == MSR_KVM_STEAL_TIME) {
            return stealTime[vcpu];
        } else if (msr == MSR_KVM_PV_EOI_EN) {
            return pvEoi[vcpu];
        }
        return pollControl[vcpu];
    }

    /**
     * A host-initiated write (KVM_SET_MSRS): kvm_do_msr_access lets a write of 0 to an advertised MSR
     * pass even when the guest may not use it.
     * @return whether KVM counts the MSR as written
     */
    boolean hostSet(int vcpu, long msr, long data) {
        Result r = set(vcpu, msr, data);
        return r == Result.OK || (r == Result.UNSUPPORTED && data == 0 && featureOf(msr) >= 0);
    }

    /**
     * A host-initiated read (KVM_GET_MSRS): an advertised MSR the guest may not use reads 0.
     * @return the value, or null when KVM stops the ioctl there
     */
    Long hostGet(int vcpu, long msr) {
        Long v = get(vcpu, msr);
        return v != null ? v : featureOf(msr) >= 0 ? Long.valueOf(0) : null;
    }

    /**
     * The wall-clock MSR value (one per VM).
     * @return kvm->arch.wall_clock
     */
    long wallClock() {
        return wallClock;
    }

    void wallClock(long v) {
        wallClock = v;
    }
}
