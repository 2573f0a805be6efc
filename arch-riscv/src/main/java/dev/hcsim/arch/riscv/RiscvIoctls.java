package dev.hcsim.arch.riscv;

import dev.hcsim.core.Errno;
import dev.hcsim.core.KvmException;
import dev.hcsim.core.spi.KvmIoctls;
import java.util.List;

/**
 * RISC-V's VMM-side controls, the SBI registers of KVM_GET/SET_ONE_REG as arch/riscv/kvm/vcpu_sbi.c and
 * vcpu_onereg.c answer them: {@code KVM_REG_RISCV_SBI_EXT} (kvm_riscv_vcpu_set_reg_sbi_ext,
 * kvm_riscv_vcpu_get_reg_sbi_ext) and {@code KVM_REG_RISCV_SBI_STATE} (STA: kvm_riscv_vcpu_set_reg_sbi_sta;
 * FWFT: kvm_sbi_ext_fwft_set_reg), served by {@link RiscvVm#setOneReg} and {@link RiscvVm#oneReg}.
 */
final class RiscvIoctls implements KvmIoctls {
    private final RiscvVm vm;

    RiscvIoctls(RiscvVm vm) {
        this.vm = vm;
    }

    @Override
    public long getOneReg(int vcpu, long id) {
        Long v = vm.oneReg(vcpu, id);
        if (v == null) {
            throw new KvmException("KVM_GET_ONE_REG", Errno.ofReturn(getError(id)), "vcpu_sbi.c: register 0x" + Long.toHexString(id));
        }
        return v;
    }

    /** Why a read failed: -EINVAL for a size other than 64 bits and for STA (and unknown STATE subtypes), else -ENOENT. */
    private static int getError(long id) {
        if ((id & 0xFFF0_0000_0000_0000L) != RiscvVm.KVM_REG_RISCV_U64) {
            return -RiscvVm.EINVAL;
        }
        if ((id & 0xFF00_0000L) == RiscvVm.KVM_REG_RISCV_SBI_STATE && (id & RiscvVm.SUBTYPE_MASK) != RiscvVm.KVM_REG_RISCV_SBI_FWFT) {
            return -RiscvVm.EINVAL;
        }
        return -RiscvVm.ENOENT;
    }

    @Override
    public void setOneReg(int vcpu, long id, long value) {
        int ret = vm.setOneReg(vcpu, id, value);
        if (ret != 0) {
            throw new KvmException("KVM_SET_ONE_REG", Errno.ofReturn(ret), "vcpu_sbi.c: register 0x" + Long.toHexString(id) + " = 0x"
                    + Long.toHexString(value));
        }
    }

    @Override
    public List<String> describe() {
        return List.of(
                "KVM_GET/SET_ONE_REG KVM_REG_RISCV_SBI_EXT SINGLE 0x8030000008000000 | KVM_RISCV_SBI_EXT_*: 0 or 1 (-EINVAL otherwise); "
                        + "-ENOENT for an unknown or unavailable extension (PMU without Sscofpmf), -EBUSY after the vCPU's first run",
                "KVM_GET/SET_ONE_REG KVM_REG_RISCV_SBI_EXT MULTI_EN 0x8030000008010000 / MULTI_DIS 0x8030000008020000: a mask of "
                        + "switches (register 0 only); reading MULTI_DIS gives the inverted mask",
                "KVM_GET/SET_ONE_REG KVM_REG_RISCV_SBI_STATE STA 0x8030000009000000 shmem_lo (64-byte aligned or all-ones, else "
                        + "-EINVAL) / +1 shmem_hi (must be 0 on RV64, -EINVAL); other numbers -EINVAL (vcpu_sbi_sta.c)",
                "KVM_GET/SET_ONE_REG KVM_REG_RISCV_SBI_STATE FWFT 0x8030000009010000 + n: enable, flags, value of MISALIGNED_EXC_DELEG "
                        + "(0-2), POINTER_MASKING_PMLEN (3-5), PTE_AD_HW_UPDATING (6-8); -ENOENT for a feature the host lacks",
                KvmIoctls.runDelayLine("struct sbi_sta_struct.steal at the STA shmem (vcpu_sbi_sta.c kvm_riscv_vcpu_record_steal_time)"),
                KvmIoctls.reenterLine("SBI SRST and the legacy SHUTDOWN, vcpu_sbi.c kvm_riscv_vcpu_sbi_system_reset"));
    }
}
