package dev.hcsim.arch.riscv;

import static dev.hcsim.arch.riscv.RiscvHypercalls.*;

import dev.hcsim.core.Status;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.spi.Trap;
import java.util.List;

/**
 * Firmware Features (arch/riscv/kvm/vcpu_sbi_fwft.c): SET and GET of the three features KVM implements,
 * MISALIGNED_EXC_DELEG (0), PTE_AD_HW_UPDATING (4) and POINTER_MASKING_PMLEN (5, RV64 only), each supported
 * only when the host is (options {@code fwft-misaligned}, {@code svadu}, {@code pmlen}), and the VMM's
 * ONE_REG view of them ({@code KVM_REG_RISCV_SBI_STATE | KVM_REG_RISCV_SBI_FWFT}, three registers per
 * feature: enable, flags, value). The CSR effects (hedeleg, henvcfg) are kept as values only.
 */
final class RiscvSbiFwft {
    /** SBI_FWFT_MISALIGNED_EXC_DELEG. */
    static final long MISALIGNED_EXC_DELEG = 0;
    /** SBI_FWFT_PTE_AD_HW_UPDATING. */
    static final long PTE_AD_HW_UPDATING = 4;
    /** SBI_FWFT_POINTER_MASKING_PMLEN. */
    static final long POINTER_MASKING_PMLEN = 5;
    /** SBI_FWFT_SET_FLAG_LOCK. */
    static final long FLAG_LOCK = 1;
    /** The features KVM knows by name (kvm_fwft_defined_features): LANDING_PAD, SHADOW_STACK and DOUBLE_TRAP are known but never supported. */
    private static final long[] DEFINED = {0, 1, 2, 3, 4, 5};
    /** KVM's features in features[] order, and the first ONE_REG number of each (struct kvm_riscv_sbi_fwft). */
    private static final long[] IDS = {MISALIGNED_EXC_DELEG, PTE_AD_HW_UPDATING, POINTER_MASKING_PMLEN};
    private static final int[] FIRST_REG = {0, 6, 3};

    private static final int NOT_SUPPORTED_FEATURE = -1;
    private static final int UNKNOWN_FEATURE = -2;

    private RiscvSbiFwft() {
    }

    /** One vCPU's struct kvm_sbi_fwft. */
    static final class Features {
        private final boolean[] supported = new boolean[3];
        final boolean[] enabled = new boolean[3];
        final long[] flags = new long[3];
        final long[] value = new long[3];
        private final boolean pmlen7;
        private final boolean pmlen16;

        Features(boolean misaligned, boolean svadu, String pmlen) {
            this.pmlen7 = pmlen.contains("7");
            this.pmlen16 = pmlen.contains("16");
            supported[0] = misaligned;
            supported[1] = svadu;
            supported[2] = pmlen7 || pmlen16;
            for (int i = 0; i < 3; i++) {
                enabled[i] = supported[i]; // flags and values start at 0, as kzalloc leaves them
            }
        }

        /** kvm_sbi_ext_fwft_reset: flags cleared, every value back to 0 (hedeleg / henvcfg bits cleared). */
        void reset() {
            for (int i = 0; i < 3; i++) {
                flags[i] = 0;
                value[i] = 0;
            }
        }

        /** kvm_fwft_get_feature: the feature's index, or NOT_SUPPORTED_FEATURE / UNKNOWN_FEATURE. */
        private int lookup(long feature) {
            for (int i = 0; i < 3; i++) {
                if (IDS[i] == feature) {
                    return supported[i] && enabled[i] ? i : NOT_SUPPORTED_FEATURE;
                }
            }
            for (long d : DEFINED) {
                if (d == feature) {
                    return NOT_SUPPORTED_FEATURE;
                }
            }
            return UNKNOWN_FEATURE;
        }

        /** The feature's set callback: SBI_SUCCESS or SBI_ERR_INVALID_PARAM for a value it does not take. */
        private boolean accepts(int i, long v) {
            if (i == 2) {
                return v == 0 || (v == 7 && pmlen7) || (v == 16 && pmlen16);
            }
            return v == 0 || v == 1;
        }

        /** ONE_REG number to (feature, register 0..2), kvm_sbi_fwft_regnum_to_feature. */
        private int feature(long num) {
            for (int i = 0; i < 3; i++) {
                if (num >= FIRST_REG[i] && num < FIRST_REG[i] + 3) {
                    return i;
                }
            }
            return -1;
        }

        /** kvm_sbi_ext_fwft_get_reg: null for -ENOENT. */
        Long reg(long num) {
            int i = feature(num);
            if (i < 0 || !supported[i]) {
                return null;
            }
            return switch ((int) (num - FIRST_REG[i])) {
                case 0 -> enabled[i] ? 1L : 0L;
                case 1 -> flags[i];
                default -> value[i];
            };
        }

        /** kvm_sbi_ext_fwft_set_reg: -ENOENT for no such (supported) feature, -EINVAL for a bad enable or value. */
        int setReg(long num, long v) {
            int i = feature(num);
            if (i < 0 || !supported[i]) {
                return -RiscvVm.ENOENT;
            }
            switch ((int) (num - FIRST_REG[i])) {
                case 0 -> {
                    if (v != 0 && v != 1) {
                        return -RiscvVm.EINVAL;
                    }
                    enabled[i] = v == 1;
                }
                case 1 -> flags[i] = v & FLAG_LOCK;
                default -> {
                    if (!accepts(i, v)) {
                        return -RiscvVm.EINVAL; // sbi_err_map_linux_errno(SBI_ERR_INVALID_PARAM)
                    }
                    value[i] = v;
                }
            }
            return 0;
        }
    }

    /**
     * SET(a0 = feature u32, a1 = value, a2 = flags), kvm_sbi_fwft_set: unknown feature: SBI_ERR_DENIED (one
     * of the spec's defined features: SBI_ERR_NOT_SUPPORTED); unsupported or disabled: NOT_SUPPORTED; flags
     * other than LOCK: SBI_ERR_INVALID_PARAM; locked: SBI_ERR_DENIED_LOCKED; a value the feature does not
     * take: SBI_ERR_INVALID_PARAM; else set, and the flags (LOCK) recorded.
     */
    static void set(Trap t) {
        Features f = state(t).fwft(t.vcpu());
        int i = f.lookup(t.arg(0) & M32);
        if (i < 0) {
            error(t, i == UNKNOWN_FEATURE ? Status.DENIED : Status.NOT_SUPPORTED);
            return;
        }
        long flags = t.arg(2);
        if ((flags & ~FLAG_LOCK) != 0) {
            error(t, Status.INVALID_PARAMETER);
            return;
        }
        if ((f.flags[i] & FLAG_LOCK) != 0) {
            error(t, Status.PERMISSION); // SBI_ERR_DENIED_LOCKED
            return;
        }
        if (!f.accepts(i, t.arg(1))) {
            error(t, Status.INVALID_PARAMETER);
            return;
        }
        f.value[i] = t.arg(1);
        f.flags[i] = flags;
        success(t);
    }

    /** GET(a0 = feature): as SET's lookup, then a1 = the value. */
    static void get(Trap t) {
        Features f = state(t).fwft(t.vcpu());
        int i = f.lookup(t.arg(0) & M32);
        if (i < 0) {
            error(t, i == UNKNOWN_FEATURE ? Status.DENIED : Status.NOT_SUPPORTED);
            return;
        }
        value(t, f.value[i]);
    }

    static void specs(List<HypercallSpec.Builder> l) {
        String src = "arch/riscv/kvm/vcpu_sbi_fwft.c ";
        l.add(call(EXT_FWFT, 0, "SBI_EXT_FWFT_SET", RiscvSbiFwft::set, "a0 = feature, a1 = value, a2 = flags (LOCK): -4 unknown "
                + "feature, -2 unsupported, -3 bad flags or value, -14 locked", src + "kvm_sbi_fwft_set", Status.SUCCESS,
                Status.DENIED, Status.NOT_SUPPORTED, Status.INVALID_PARAMETER, Status.PERMISSION).feature(SbiExtension.FWFT.feature()));
        l.add(call(EXT_FWFT, 1, "SBI_EXT_FWFT_GET", RiscvSbiFwft::get, "a0 = feature: a1 = its value; -4 unknown, -2 unsupported",
                src + "kvm_sbi_fwft_get", Status.SUCCESS, Status.DENIED, Status.NOT_SUPPORTED).feature(SbiExtension.FWFT.feature()));
    }
}
