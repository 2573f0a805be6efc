package dev.hcsim.arch.arm64;

import static dev.hcsim.arch.arm64.Arm64Vm.EBUSY;
import static dev.hcsim.arch.arm64.Arm64Vm.EINVAL;
import static dev.hcsim.arch.arm64.Arm64Vm.ENOENT;

import dev.hcsim.core.VmSnapshot;
import dev.hcsim.core.spi.VmContext;

/**
 * The firmware pseudo-registers of arch/arm64/kvm/hypercalls.c: the PSCI version, the Spectre workaround
 * levels (get_kernel_wa_level) and the feature bitmaps that gate which SMCCC services a guest may call
 * (kvm_arm_get_fw_reg, kvm_arm_set_fw_reg, kvm_arm_set_fw_reg_bmap, kvm_smccc_test_fw_bmap,
 * kvm_smccc_default_allowed). The VMM reads and writes them with KVM_GET_ONE_REG / KVM_SET_ONE_REG.
 */
public final class Arm64FirmwareRegisters {
    /** Firmware pseudo-register ids (arch/arm64/include/uapi/asm/kvm.h, KVM_REG_ARM_FW / KVM_REG_ARM_FW_FEAT_BMAP). */
    public static final long REG_PSCI_VERSION = 0x6030_0000_0014_0000L;
    /** KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_1: the Spectre-v2 workaround level. */
    public static final long REG_WORKAROUND_1 = 0x6030_0000_0014_0001L;
    /** KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_2: the Spectre-v4 workaround level. */
    public static final long REG_WORKAROUND_2 = 0x6030_0000_0014_0002L;
    /** KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3: the Spectre-BHB workaround level. */
    public static final long REG_WORKAROUND_3 = 0x6030_0000_0014_0003L;
    /** KVM_REG_ARM_STD_BMAP: the standard secure services the guest may call (TRNG). */
    public static final long REG_STD_BMAP = 0x6030_0000_0016_0000L;
    /** KVM_REG_ARM_STD_HYP_BMAP: the standard hypervisor services the guest may call (PV time). */
    public static final long REG_STD_HYP_BMAP = 0x6030_0000_0016_0001L;
    /** KVM_REG_ARM_VENDOR_HYP_BMAP: the KVM vendor services the guest may call (functions 0-63). */
    public static final long REG_VENDOR_HYP_BMAP = 0x6030_0000_0016_0002L;
    /** KVM_REG_ARM_VENDOR_HYP_BMAP_2: the KVM vendor services 64-127. */
    public static final long REG_VENDOR_HYP_BMAP_2 = 0x6030_0000_0016_0003L;

    private final VmContext vm;
    private final boolean pvlock;
    private final boolean wantsPsci02;
    private final Arm64Architecture.Spectre spectreV2;
    private final Arm64Architecture.Spectre spectreV4;
    private final Arm64Architecture.Spectre spectreBhb;
    /** kvm_has_feat(kvm, ID_AA64PFR1_EL1, SSBS, IMP): the host has SSBS everywhere and the VMM did not hide it. */
    private final boolean guestSsbs;

    private volatile int psciVersion;
    private volatile long stdBmap;
    private volatile long stdHypBmap;
    private volatile long vendorHypBmap;
    private volatile long vendorHypBmap2;

    Arm64FirmwareRegisters(VmContext vm, boolean pvlock) {
        this.vm = vm;
        this.pvlock = pvlock;
        String psci = vm.option("psci");
        this.wantsPsci02 = !psci.equals("0.1");
        this.psciVersion = Arm64Psci.psciVersionOf(psci);
        this.spectreV2 = Arm64Architecture.Spectre.of(vm.option("spectre-v2"));
        this.spectreV4 = Arm64Architecture.Spectre.of(vm.option("spectre-v4"));
        this.spectreBhb = Arm64Architecture.Spectre.of(vm.option("spectre-bhb"));
        // ID_AA64PFR1_EL1 starts as the host's sanitised value; the VMM may lower SSBS to NI (sys_regs.c, writable field).
        this.guestSsbs = vm.option("ssbs").equals("yes") && !vm.option("id-ssbs").equals("ni");
        // kvm_arm_init_hypercalls: every bitmap starts with all the bits this kernel supports.
        this.stdBmap = vm.feature(Arm64Architecture.TRNG) ? 1 : 0;
        this.stdHypBmap = vm.feature(Arm64Architecture.PV_TIME) ? 1 : 0;
        this.vendorHypBmap = (vm.feature(Arm64Architecture.VENDOR_HYP_FEATURES) ? 1 : 0) | (vm.feature(Arm64Architecture.PTP) ? 2 : 0)
                | (pvlock ? 4 : 0);
        this.vendorHypBmap2 = (vm.feature(Arm64Architecture.DISCOVER_IMPL_VER) ? 1 : 0)
                | (vm.feature(Arm64Architecture.DISCOVER_IMPL_CPUS) ? 2 : 0);
    }

    /**
     * KVM_GET_ONE_REG of a firmware pseudo-register, or null for -ENOENT (hypercalls.c kvm_arm_get_fw_reg).
     * @param id the register id, one of the REG_* constants
     * @return the register's value, or null for an id KVM does not know
     */
    Long get(long id) {
        if (id == REG_PSCI_VERSION) {
            return (long) psciVersion;
        } else if (id == REG_WORKAROUND_1) {
            return (long) workaroundLevel(1);
        } else if (id == REG_WORKAROUND_2) {
            return (long) workaroundLevel(2);
        } else if (id == REG_WORKAROUND_3) {
            return (long) workaroundLevel(3);
        } else if (id == REG_STD_BMAP) {
            return stdBmap;
        } else if (id == REG_STD_HYP_BMAP) {
            return stdHypBmap;
        } else if (id == REG_VENDOR_HYP_BMAP) {
            return vendorHypBmap;
        } else if (id == REG_VENDOR_HYP_BMAP_2) {
            return vendorHypBmap2;
        }
        return null;
    }

    /** get_kernel_wa_level: NOT_AVAIL 0 / AVAIL 1 / NOT_REQUIRED 2 (WA1, WA3); WA2: NOT_AVAIL 0, AVAIL 2, NOT_REQUIRED 3. */
    private int workaroundLevel(int n) {
        if (n == 2) {
            return switch (spectreV4) {
                case VULNERABLE -> 0;
                case MITIGATED -> guestSsbs ? 0 : 3;
                case UNAFFECTED -> 3;
            };
        }
        return switch (n == 1 ? spectreV2 : spectreBhb) {
            case VULNERABLE -> 0;
            case MITIGATED -> 1;
            case UNAFFECTED -> 2;
        };
    }

    /**
     * KVM_SET_ONE_REG of a firmware pseudo-register (hypercalls.c kvm_arm_set_fw_reg and
     * kvm_arm_set_fw_reg_bmap): -ENOENT for an unknown id; bitmaps: -EINVAL for a bit this kernel does
     * not support, -EBUSY for a change once a vCPU has run (the same value is accepted); PSCI_VERSION:
     * 0.1 only for a vCPU without KVM_ARM_VCPU_PSCI_0_2, 0.2 and 1.0-1.3 only with it, else -EINVAL;
     * workaround levels above the host's -EINVAL.
     * @param id the register id, one of the REG_* constants
     * @param value the new value
     * @return 0, -ENOENT, -EINVAL or -EBUSY, as the ioctl returns them
     */
    int set(long id, long value) {
        if (id == REG_PSCI_VERSION) {
            int v = (int) value;
            if (value != v) {
                return -EINVAL;
            }
            boolean known02 = v == 2 || (v >= 0x10000 && v <= 0x10003);
            if (v == 1 ? wantsPsci02 : !known02 || !wantsPsci02) {
                return -EINVAL;
            }
            psciVersion = v;
            return 0;
        }
        if (id == REG_WORKAROUND_1 || id == REG_WORKAROUND_3) {
            if ((value & ~0xFL) != 0 || workaroundLevel(id == REG_WORKAROUND_1 ? 1 : 3) < value) {
                return -EINVAL;
            }
            return 0;
        }
        if (id == REG_WORKAROUND_2) {
            if ((value & ~0x1FL) != 0) {
                return -EINVAL;
            }
            if ((value & 0x10) != 0 && (value & 0xF) != 2) {
                return -EINVAL; // the ENABLED bit only with level AVAIL
            }
            // kvm_arm_set_fw_reg maps NOT_AVAIL (0) and UNKNOWN (1) to NOT_AVAIL, AVAIL (2) and
            // NOT_REQUIRED (3) to NOT_REQUIRED; any other level is -EINVAL.
            long level = value & 0xF;
            if (level > 3) {
                return -EINVAL;
            }
            return workaroundLevel(2) < (level <= 1 ? 0 : 3) ? -EINVAL : 0;
        }
        long supported;
        long current;
        if (id == REG_STD_BMAP) {
            supported = 1;
            current = stdBmap;
        } else if (id == REG_STD_HYP_BMAP) {
            supported = 1;
            current = stdHypBmap;
        } else if (id == REG_VENDOR_HYP_BMAP) {
            supported = pvlock ? 7 : 3;
            current = vendorHypBmap;
        } else if (id == REG_VENDOR_HYP_BMAP_2) {
            supported = 3;
            current = vendorHypBmap2;
        } else {
            return -ENOENT;
        }
        if ((value & ~supported) != 0) {
            return -EINVAL;
        }
        synchronized (this) {
            if (vm.hasRun() && value != current) {
                return -EBUSY;
            }
            if (id == REG_STD_BMAP) {
                stdBmap = value;
            } else if (id == REG_STD_HYP_BMAP) {
                stdHypBmap = value;
            } else if (id == REG_VENDOR_HYP_BMAP) {
                vendorHypBmap = value;
            } else {
                vendorHypBmap2 = value;
            }
        }
        return 0;
    }

    /** kvm_smccc_test_fw_bmap || kvm_smccc_default_allowed (hypercalls.c). */
    boolean allowed(long id) {
        switch ((int) id) {
            case (int) Arm64Hypercalls.TRNG_VERSION, (int) Arm64Hypercalls.TRNG_FEATURES, (int) Arm64Hypercalls.TRNG_GET_UUID,
                    (int) Arm64Hypercalls.TRNG_RND32, (int) Arm64Hypercalls.TRNG_RND64 -> {
                return (stdBmap & 1) != 0;
            }
            case (int) Arm64Hypercalls.PV_TIME_FEATURES, (int) Arm64Hypercalls.PV_TIME_ST -> {
                return (stdHypBmap & 1) != 0;
            }
            case (int) Arm64Hypercalls.KVM_FEATURES, (int) Arm64Hypercalls.CALL_UID -> {
                return (vendorHypBmap & 1) != 0;
            }
            case (int) Arm64Hypercalls.PTP -> {
                return (vendorHypBmap & 2) != 0;
            }
            case (int) Arm64Hypercalls.PV_LOCK_FEATURES, (int) Arm64Hypercalls.PV_LOCK_PREEMPTED -> {
                return pvlockEnabled();
            }
            case (int) Arm64Hypercalls.DISCOVER_IMPL_VER -> {
                return (vendorHypBmap2 & 1) != 0;
            }
            case (int) Arm64Hypercalls.DISCOVER_IMPL_CPUS -> {
                return (vendorHypBmap2 & 2) != 0;
            }
            case (int) Arm64Hypercalls.SMCCC_VERSION, (int) Arm64Hypercalls.ARCH_FEATURES -> {
                return true;
            }
            default -> {
                // PSCI 0.2+ lives in owner 4, numbers 0..0x1f; KVM's PSCI 0.1 has its own range.
                if (((id >>> 24) & 0x3F) == 4 && (id & 0xFFFF) <= 0x1F) {
                    return true;
                }
                return id >= Arm64Hypercalls.KVM_PSCI_FN_BASE && id <= Arm64Hypercalls.KVM_PSCI_FN_BASE + 3;
            }
        }
    }

    /** The VM's snapshot words of the registers (psciVersion and the four bitmaps). */
    void save(VmSnapshot.State.Builder v) {
        v.put("psciVersion", psciVersion).put("stdBmap", stdBmap).put("stdHypBmap", stdHypBmap).put("vendorHypBmap", vendorHypBmap)
                .put("vendorHypBmap2", vendorHypBmap2);
    }

    void restore(VmSnapshot.State v) {
        psciVersion = Math.toIntExact(v.num("psciVersion"));
        stdBmap = v.num("stdBmap");
        stdHypBmap = v.num("stdHypBmap");
        vendorHypBmap = v.num("vendorHypBmap");
        vendorHypBmap2 = v.num("vendorHypBmap2");
    }

    /**
     * KVM_REG_ARM_PSCI_VERSION: 1 (0.1), 2 (0.2), 0x10000 | minor (1.x).
     * @return the PSCI version the vCPUs implement, as KVM encodes it
     */
    int psciVersion() {
        return psciVersion;
    }

    boolean pvlockEnabled() {
        return (vendorHypBmap & 4) != 0; // bit 2 is set only with the PV-lock option (the constructor, set's supported mask)
    }

    long stdHypBmap() {
        return stdHypBmap;
    }

    long vendorHypBmap() {
        return vendorHypBmap;
    }

    long vendorHypBmap2() {
        return vendorHypBmap2;
    }

    Arm64Architecture.Spectre spectreV2() {
        return spectreV2;
    }

    Arm64Architecture.Spectre spectreV4() {
        return spectreV4;
    }

    Arm64Architecture.Spectre spectreBhb() {
        return spectreBhb;
    }

    boolean guestSsbs() {
        return guestSsbs;
    }
}
