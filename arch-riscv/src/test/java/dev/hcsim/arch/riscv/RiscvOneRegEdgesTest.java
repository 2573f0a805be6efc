package dev.hcsim.arch.riscv;

import static dev.hcsim.arch.riscv.RiscvHypercalls.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The edges of the VMM's ONE_REG interface (arch/riscv/kvm/vcpu_sbi.c kvm_riscv_vcpu_set_reg_sbi_ext / _get_reg_sbi_ext,
 * kvm_riscv_vcpu_set_reg_sbi / _get_reg_sbi; vcpu_sbi_sta.c; vcpu_sbi_fwft.c kvm_sbi_ext_fwft_set_reg / _get_reg) and of the
 * FWFT calls (kvm_sbi_fwft_set / _get), issue 25's unchecked mutants.
 */
class RiscvOneRegEdgesTest {
    static final long EXT = RiscvVm.KVM_REG_RISCV_U64 | RiscvVm.KVM_REG_RISCV_SBI_EXT;
    static final long MULTI_EN = EXT | RiscvVm.KVM_REG_RISCV_SBI_MULTI_EN;
    static final long MULTI_DIS = EXT | RiscvVm.KVM_REG_RISCV_SBI_MULTI_DIS;
    static final long STA = RiscvVm.KVM_REG_RISCV_U64 | RiscvVm.KVM_REG_RISCV_SBI_STATE | RiscvVm.KVM_REG_RISCV_SBI_STA;
    static final long FWFT = RiscvVm.KVM_REG_RISCV_U64 | RiscvVm.KVM_REG_RISCV_SBI_STATE | RiscvVm.KVM_REG_RISCV_SBI_FWFT;

    /**
     * The switches kvm_riscv_vcpu_sbi_init enables without a host PMU: every extension but the default_disabled DBCN (9), SUSP (11)
     * and MPXY (13), and PMU (6), whose probe fails: V01 0, TIME 1, IPI 2, RFENCE 3, SRST 4, HSM 5, EXPERIMENTAL 7, VENDOR 8,
     * STA 10, FWFT 12.
     */
    static final long DEFAULT_ENABLED = 1L << 0 | 1L << 1 | 1L << 2 | 1L << 3 | 1L << 4 | 1L << 5 | 1L << 7 | 1L << 8 | 1L << 10
            | 1L << 12;

    @Test
    @DisplayName("riscv_vcpu_get_sbi_ext_multi: MULTI_EN reads the enabled switches as a mask (bit = KVM_RISCV_SBI_EXT_*), MULTI_DIS "
            + "its complement; riscv_vcpu_set_sbi_ext_multi with MULTI_EN enables each set bit, errors of single switches ignored")
    void multiMasks() {
        RiscvVm s = Harness.of(1).riscv();
        assertEquals(DEFAULT_ENABLED, s.oneReg(0, MULTI_EN));
        assertEquals(~DEFAULT_ENABLED, s.oneReg(0, MULTI_DIS));
        assertEquals(0, s.setOneReg(0, MULTI_EN, 1L << 9 | 1L << 6 | 1L << 13 | 1L << 40));
        assertEquals(1L, s.oneReg(0, RiscvVm.sbiExtRegister(SbiExtension.DBCN)), "DBCN enabled");
        assertEquals(1L, s.oneReg(0, RiscvVm.sbiExtRegister(SbiExtension.MPXY)), "MPXY enabled");
        assertNull(s.oneReg(0, RiscvVm.sbiExtRegister(SbiExtension.PMU)), "PMU stays unavailable: its -ENOENT is ignored");
        assertEquals(DEFAULT_ENABLED | 1L << 9 | 1L << 13, s.oneReg(0, MULTI_EN));
        assertEquals(-RiscvVm.ENOENT, s.setOneReg(0, EXT | 3L << 16, 1), "an unknown subtype");
        assertNull(s.oneReg(0, EXT | 3L << 16));
    }

    @Test
    @DisplayName("ONE_REG on a vCPU the VM does not have, or with a register size other than unsigned long (KVM_REG_SIZE != 8), "
            + "fails with -EINVAL / no value")
    void outOfRangeVcpuAndWrongSize() {
        RiscvVm s = Harness.of(2).riscv();
        long dbcn = RiscvVm.sbiExtRegister(SbiExtension.DBCN);
        assertEquals(-RiscvVm.EINVAL, s.setOneReg(-1, dbcn, 1));
        assertEquals(-RiscvVm.EINVAL, s.setOneReg(2, dbcn, 1));
        assertNull(s.oneReg(-1, dbcn));
        assertNull(s.oneReg(2, dbcn));
        assertEquals(0L, s.oneReg(1, dbcn), "vCPU 1 exists");
        assertEquals(0, s.setOneReg(1, dbcn, 1));
        assertNull(s.oneReg(1, dbcn & ~0x0030_0000_0000_0000L | 0x0020_0000_0000_0000L), "a 32-bit register id");
    }

    @Test
    @DisplayName("KVM_REG_RISCV_SBI_STATE: STA shmem_lo (0) reads the address, shmem_hi (1) reads 0 and takes only 0, other numbers "
            + "and unknown subtypes -EINVAL; an unknown register type -ENOENT (kvm_riscv_vcpu_set_reg_sbi, kvm_sbi_ext_sta_set_reg)")
    void sbiStateRegisters() {
        RiscvVm s = Harness.of(1).riscv();
        assertEquals(0, s.setOneReg(0, STA, 0x4000));
        assertEquals(0x4000L, s.oneReg(0, STA));
        assertEquals(0L, s.oneReg(0, STA | 1));
        assertEquals(0, s.setOneReg(0, STA | 1, 0));
        assertEquals(-RiscvVm.EINVAL, s.setOneReg(0, STA | 1, 1));
        assertNull(s.oneReg(0, STA | 2));
        assertEquals(-RiscvVm.EINVAL, s.setOneReg(0, STA | 2, 0));
        long unknownSubtype = RiscvVm.KVM_REG_RISCV_U64 | RiscvVm.KVM_REG_RISCV_SBI_STATE | 2L << 16;
        assertEquals(-RiscvVm.EINVAL, s.setOneReg(0, unknownSubtype, 0));
        assertNull(s.oneReg(0, unknownSubtype));
        assertEquals(-RiscvVm.ENOENT, s.setOneReg(0, RiscvVm.KVM_REG_RISCV_U64 | 1L << 24, 0), "KVM_REG_RISCV_CONFIG is not an SBI register");
        assertEquals(0x4000L, s.oneReg(0, STA), "nothing above changed shmem_lo");
    }

    @Test
    @DisplayName("FWFT ONE_REG numbers (struct kvm_riscv_sbi_fwft): misaligned_deleg 0..2, pointer_masking 3..5, pte_ad_hw_updating "
            + "6..8 as enable / flags / value; a feature the host lacks, and number 9, are -ENOENT")
    void fwftRegisterNumbers() {
        Harness all = Harness.of(1, "svadu=yes", "pmlen=7,16");
        RiscvVm s = all.riscv();
        for (int n = 0; n < 9; n++) {
            assertEquals(n % 3 == 0 ? 1L : 0L, s.oneReg(0, FWFT | n), "register " + n);
        }
        assertNull(s.oneReg(0, FWFT | 9));
        assertEquals(-RiscvVm.ENOENT, s.setOneReg(0, FWFT | 9, 0));
        assertEquals(0, s.setOneReg(0, FWFT | 2, 1), "misaligned value");
        assertEquals(0, s.setOneReg(0, FWFT | 5, 16), "pmlen value");
        assertEquals(0, s.setOneReg(0, FWFT | 8, 1), "pte_ad value");
        assertEquals(0, s.setOneReg(0, FWFT | 7, 3), "pte_ad flags: only LOCK is kept");
        assertEquals(1L, s.oneReg(0, FWFT | 2));
        assertEquals(16L, s.oneReg(0, FWFT | 5));
        assertEquals(1L, s.oneReg(0, FWFT | 8));
        assertEquals(1L, s.oneReg(0, FWFT | 7));
        assertEquals(0L, s.oneReg(0, STA | 1), "FWFT writes leave STA alone");
        all.ecall(EXT_FWFT, 1, RiscvSbiFwft.POINTER_MASKING_PMLEN);
        assertEquals(16, all.a(1), "the guest reads what the VMM set");
        all.ecall(EXT_FWFT, 0, RiscvSbiFwft.PTE_AD_HW_UPDATING, 0, 0);
        assertEquals(-14, all.a(0), "the VMM locked it: SBI_ERR_DENIED_LOCKED");
        Harness none = Harness.of(1, "fwft-misaligned=no");
        assertNull(none.riscv().oneReg(0, FWFT), "no misaligned delegation on this host");
        assertEquals(-RiscvVm.ENOENT, none.riscv().setOneReg(0, FWFT, 1));
        assertNull(none.riscv().oneReg(0, FWFT | 6), "no Svadu");
    }

    @Test
    @DisplayName("kvm_sbi_ext_fwft_set_reg: enable takes 0 or 1 (-EINVAL otherwise) and a disabled feature answers the guest "
            + "SBI_ERR_NOT_SUPPORTED (kvm_fwft_get_feature: !conf->enabled); a value the feature refuses is -EINVAL")
    void fwftEnableAndValueThroughOneReg() {
        Harness h = Harness.of(1, "pmlen=7");
        RiscvVm s = h.riscv();
        assertEquals(-RiscvVm.EINVAL, s.setOneReg(0, FWFT, 2));
        assertEquals(-RiscvVm.EINVAL, s.setOneReg(0, FWFT | 2, 2), "misaligned delegation takes 0 or 1");
        assertEquals(-RiscvVm.EINVAL, s.setOneReg(0, FWFT | 5, 16), "this host has PMLEN 7 only");
        assertEquals(0, s.setOneReg(0, FWFT | 5, 7));
        assertEquals(0, s.setOneReg(0, FWFT, 0));
        assertEquals(0L, s.oneReg(0, FWFT));
        h.ecall(EXT_FWFT, 0, RiscvSbiFwft.MISALIGNED_EXC_DELEG, 1, 0);
        assertEquals(-2, h.a(0), "disabled by the VMM");
        h.ecall(EXT_FWFT, 1, RiscvSbiFwft.MISALIGNED_EXC_DELEG);
        assertEquals(-2, h.a(0));
        h.ecall(EXT_FWFT, 1, RiscvSbiFwft.POINTER_MASKING_PMLEN);
        assertEquals(0, h.a(0));
        assertEquals(7, h.a(1));
    }

    @Test
    @DisplayName("FWFT POINTER_MASKING_PMLEN (kvm_sbi_fwft_set_pointer_masking_pmlen): 0 always, 7 and 16 only when the host's henvcfg "
            + "takes them, anything else SBI_ERR_INVALID_PARAM; PTE_AD_HW_UPDATING takes 0 and 1 (kvm_sbi_fwft_envcfg_flag_set)")
    void fwftValues() {
        Harness sixteen = Harness.of(1, "pmlen=16", "svadu=yes");
        long[][] cases = {{0, 0}, {7, -3}, {16, 0}, {8, -3}};
        for (long[] c : cases) {
            sixteen.ecall(EXT_FWFT, 0, RiscvSbiFwft.POINTER_MASKING_PMLEN, c[0], 0);
            assertEquals(c[1], sixteen.a(0), "pmlen " + c[0]);
        }
        Harness both = Harness.of(1, "pmlen=7,16");
        both.ecall(EXT_FWFT, 0, RiscvSbiFwft.POINTER_MASKING_PMLEN, 7, 0);
        assertEquals(0, both.a(0));
        both.ecall(EXT_FWFT, 0, RiscvSbiFwft.POINTER_MASKING_PMLEN, 16, 0);
        assertEquals(0, both.a(0));
        for (long v : new long[] {0, 1}) {
            sixteen.ecall(EXT_FWFT, 0, RiscvSbiFwft.PTE_AD_HW_UPDATING, v, 0);
            assertEquals(0, sixteen.a(0));
            sixteen.ecall(EXT_FWFT, 1, RiscvSbiFwft.PTE_AD_HW_UPDATING);
            assertEquals(v, sixteen.a(1));
        }
        sixteen.ecall(EXT_FWFT, 0, RiscvSbiFwft.PTE_AD_HW_UPDATING, 2, 0);
        assertEquals(-3, sixteen.a(0));
        sixteen.ecall(EXT_FWFT, 0, RiscvSbiFwft.MISALIGNED_EXC_DELEG, 1, 0);
        assertEquals(0, sixteen.a(0));
        sixteen.ecall(EXT_FWFT, 1, RiscvSbiFwft.MISALIGNED_EXC_DELEG);
        assertEquals(1, sixteen.a(1));
    }

    @Test
    @DisplayName("FWFT GET of an unknown feature: SBI_ERR_DENIED; of a defined one KVM lacks (SHADOW_STACK 2): SBI_ERR_NOT_SUPPORTED "
            + "(kvm_fwft_get_feature); the feature is a u32 (a0's upper half ignored)")
    void fwftGetErrors() {
        Harness h = Harness.of(1);
        h.ecall(EXT_FWFT, 1, 0x1234);
        assertEquals(-4, h.a(0));
        h.ecall(EXT_FWFT, 1, 2);
        assertEquals(-2, h.a(0));
        h.ecall(EXT_FWFT, 0, 1L << 32, 1, 0);
        assertEquals(0, h.a(0), "feature 0 with bit 32 set is MISALIGNED_EXC_DELEG");
        h.ecall(EXT_FWFT, 1, 1L << 32);
        assertEquals(0, h.a(0));
        assertEquals(1, h.a(1));
    }

    @Test
    @DisplayName("RiscvStatus.name: every SBI error code of sbi.h by value, null for a value none has (also one that only its low "
            + "32 bits would match)")
    void statusNames() {
        String[] names = {"SBI_SUCCESS", "SBI_ERR_FAILURE", "SBI_ERR_NOT_SUPPORTED", "SBI_ERR_INVALID_PARAM", "SBI_ERR_DENIED",
            "SBI_ERR_INVALID_ADDRESS", "SBI_ERR_ALREADY_AVAILABLE", "SBI_ERR_ALREADY_STARTED", "SBI_ERR_ALREADY_STOPPED",
            "SBI_ERR_NO_SHMEM", "SBI_ERR_INVALID_STATE", "SBI_ERR_BAD_RANGE", "SBI_ERR_TIMEOUT", "SBI_ERR_IO", "SBI_ERR_DENIED_LOCKED"};
        for (int i = 0; i < names.length; i++) {
            assertEquals(names[i], RiscvStatus.name(-i));
        }
        assertNull(RiscvStatus.name(-15));
        assertNull(RiscvStatus.name(1));
        assertNull(RiscvStatus.name(0xFFFF_FFFFL), "-1 only as a u32");
        assertNull(RiscvStatus.name(1L << 32), "0 only in the low half");
    }

    @Test
    @DisplayName("SbiExtension: each range's extid_start / extid_end, default_disabled (DBCN, SUSP, MPXY only), the switch index "
            + "KVM_RISCV_SBI_EXT_* and its lookup, 0 .. KVM_RISCV_SBI_EXT_MAX - 1 (riscv_vcpu_get_sbi_ext)")
    void extensionTable() {
        for (SbiExtension e : SbiExtension.values()) {
            assertEquals(e == SbiExtension.DBCN || e == SbiExtension.SUSP || e == SbiExtension.MPXY, e.defaultDisabled(), e.name());
            assertEquals(e, SbiExtension.ofEid(e.first()), e.name());
            assertEquals(e, SbiExtension.ofEid(e.last()), e.name());
            if (e.index() >= 0) {
                assertEquals(e, SbiExtension.ofIndex(e.index()));
            }
        }
        assertEquals(SbiExtension.VENDOR, SbiExtension.ofIndex(8));
        assertEquals(SbiExtension.MPXY, SbiExtension.ofIndex(13));
        assertNull(SbiExtension.ofIndex(14));
        assertNull(SbiExtension.ofIndex(-1));
        assertEquals(0x0900_0000L, SbiExtension.VENDOR.first());
        assertEquals(0x09FF_FFFFL, SbiExtension.VENDOR.last());
        assertEquals("experimental (0x08000000..0x08ffffff)", SbiExtension.EXPERIMENTAL.title());
        assertEquals(14, SbiExtension.KVM_RISCV_SBI_EXT_MAX);
    }
}
