package dev.hcsim.arch.riscv;

import static dev.hcsim.arch.riscv.RiscvHypercalls.*;

import dev.hcsim.core.GuestFault;
import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.Status;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.spi.Trap;
import java.util.List;

/**
 * Steal-time accounting (arch/riscv/kvm/vcpu_sbi_sta.c). The guest registers a 64-byte, 64-byte-aligned
 * {@code struct sbi_sta_struct} (arch/riscv/include/asm/sbi.h): {@code __le32 sequence} at 0, {@code __le32
 * flags} at 4, {@code __le64 steal} at 8, {@code u8 preempted} at 16, 47 bytes of padding. At each vCPU load
 * KVM makes the sequence odd, adds the run delay since the last record to steal, and makes it even again
 * (kvm_riscv_vcpu_record_steal_time), so a guest reads steal between two equal, even sequence values.
 * KVM never writes {@code flags} or {@code preempted}.
 */
final class RiscvSbiSta {
    /** The structure's size and alignment. */
    static final int SIZE = 64;
    /** Offset of steal. */
    static final int STEAL = 8;
    /** SBI_STA_SHMEM_DISABLE. */
    static final long SHMEM_DISABLE = -1L;
    private static final byte[] ZERO = new byte[SIZE];

    private RiscvSbiSta() {
    }

    /**
     * STEAL_TIME_SET_SHMEM(a0 = shmem_phys_lo, a1 = shmem_phys_hi, a2 = flags u32),
     * kvm_sbi_sta_steal_time_set_shmem: flags != 0: SBI_ERR_INVALID_PARAM; lo = hi = -1 turns it off;
     * lo not 64-byte aligned: SBI_ERR_INVALID_PARAM; hi != 0 on RV64: SBI_ERR_INVALID_ADDRESS; a page that
     * is not writable guest memory: SBI_ERR_INVALID_ADDRESS; else the 64 bytes are zeroed (all of them
     * or, when the write fails, none: SBI_ERR_FAILURE) and accounting restarts from the current run delay.
     */
    static void setShmem(Trap t) {
        RiscvVm s = state(t);
        int v = t.vcpu();
        long lo = t.arg(0);
        long hi = t.arg(1);
        if ((t.arg(2) & M32) != 0) {
            error(t, Status.INVALID_PARAMETER);
            return;
        }
        if (lo == SHMEM_DISABLE && hi == SHMEM_DISABLE) {
            s.staShmem(v, RiscvVm.INVALID_GPA);
            success(t);
            return;
        }
        if ((lo & (SIZE - 1)) != 0) {
            error(t, Status.INVALID_PARAMETER);
            return;
        }
        if (hi != 0) {
            error(t, Status.INVALID_ADDRESS);
            return;
        }
        MemoryAccess m = t.memory();
        if (!m.readable(lo, SIZE)) {
            error(t, Status.INVALID_ADDRESS);
            return;
        }
        try {
            m.writeBytes(lo, ZERO, 0, SIZE);
        } catch (GuestFault f) {
            error(t, Status.INTERNAL_FAILURE);
            return;
        }
        s.staShmem(v, lo);
        s.staLastSteal(v, s.runDelay(v));
        success(t);
    }

    /** kvm_riscv_vcpu_record_steal_time: sequence + 1, steal += run delay since the last record, sequence + 1. */
    static void record(RiscvVm s, int vcpu, MemoryAccess m) {
        long shmem = s.staShmem(vcpu);
        if (shmem == RiscvVm.INVALID_GPA) {
            return;
        }
        try {
            long seq = m.read32(shmem) + 1;
            m.write(shmem, 4, seq);
            long steal = m.read64(shmem + STEAL);
            long delay = s.runDelay(vcpu);
            steal += delay - s.staLastSteal(vcpu);
            s.staLastSteal(vcpu, delay);
            m.write(shmem + STEAL, 8, steal);
            m.write(shmem, 4, seq + 1);
        } catch (GuestFault f) {
            // WARN_ON(kvm_is_error_hva): KVM drops the registration.
            s.staShmem(vcpu, RiscvVm.INVALID_GPA);
        }
    }

    /**
     * KVM_SET_ONE_REG KVM_REG_RISCV_SBI_STA (vcpu_sbi_sta.c kvm_sbi_ext_sta_set_reg): shmem_lo (0) sets the
     * address, which must be 64-byte aligned or all-ones (INVALID_GPA, off), else -EINVAL ("RISC-V: KVM: Validate
     * SBI STA shmem alignment in kvm_sbi_ext_sta_set_reg", which steal_time.c check_steal_time_uapi tests);
     * shmem_hi (1) must be 0 on RV64; other numbers -EINVAL.
     */
    static int setReg(RiscvVm s, int vcpu, long num, long value) {
        if (num == 0) {
            if (value != RiscvVm.INVALID_GPA && (value & (SIZE - 1)) != 0) {
                return -RiscvVm.EINVAL;
            }
            s.staShmem(vcpu, value);
            return 0;
        }
        if (num == 1) {
            return value != 0 ? -RiscvVm.EINVAL : 0;
        }
        return -RiscvVm.EINVAL;
    }

    static void specs(List<HypercallSpec.Builder> l) {
        l.add(call(EXT_STA, 0, "SBI_EXT_STA_STEAL_TIME_SET_SHMEM", RiscvSbiSta::setShmem, "a0 = shmem lo (64-byte aligned, -1 "
                + "with a1 = -1: off), a1 = hi (0 on RV64), a2 = flags (0): zeroes the 64-byte sbi_sta_struct; -3 flags or "
                + "alignment, -5 not guest memory", "arch/riscv/kvm/vcpu_sbi_sta.c kvm_sbi_sta_steal_time_set_shmem",
                Status.SUCCESS, Status.INVALID_PARAMETER, Status.INVALID_ADDRESS, Status.INTERNAL_FAILURE)
                .feature(SbiExtension.STA.feature()));
    }
}
