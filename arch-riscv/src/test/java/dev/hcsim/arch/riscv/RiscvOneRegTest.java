package dev.hcsim.arch.riscv;

import static dev.hcsim.arch.riscv.RiscvHypercalls.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hcsim.core.Outcome;
import dev.hcsim.core.TrapResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The VMM's switches (vcpu_sbi.c kvm_riscv_vcpu_set_reg_sbi_ext / _get_reg_sbi_ext), FWFT (vcpu_sbi_fwft.c) and DBCN forwarding. */
class RiscvOneRegTest {
    @Test
    @DisplayName("riscv_vcpu_set_sbi_ext_single: 0/1 only (-EINVAL), unknown index -ENOENT, -EBUSY once the vCPU has run; the switch takes effect")
    void switches() {
        Harness h = Harness.of(1);
        RiscvVm s = h.riscv();
        long dbcn = RiscvVm.sbiExtRegister(SbiExtension.DBCN);
        assertEquals(0L, s.oneReg(0, dbcn));
        assertEquals(-RiscvVm.EINVAL, s.setOneReg(0, dbcn, 2));
        assertEquals(0, s.setOneReg(0, dbcn, 1));
        assertEquals(1L, s.oneReg(0, dbcn));
        assertEquals(-RiscvVm.ENOENT, s.setOneReg(0, RiscvVm.KVM_REG_RISCV_U64 | RiscvVm.KVM_REG_RISCV_SBI_EXT | 14, 1));
        assertEquals(-RiscvVm.EINVAL, s.setOneReg(0, dbcn & ~0x0030_0000_0000_0000L | 0x0020_0000_0000_0000L, 1), "a 32-bit register id");
        TrapResult r = h.ecall(EXT_DBCN, 0, 5, 0x100, 0);
        assertEquals(Outcome.EXIT_TO_HOST, r.outcome());
        assertEquals(-RiscvVm.EBUSY, s.setOneReg(0, dbcn, 0));
    }

    @Test
    @DisplayName("through KvmControl: KVM_SET_ONE_REG errors are KvmExceptions with KVM's errno (-EINVAL, -ENOENT), reads of STA -EINVAL")
    void kvmControl() {
        Harness h = Harness.of(1);
        dev.hcsim.core.KvmControl c = h.vm.control();
        long dbcn = RiscvVm.sbiExtRegister(SbiExtension.DBCN);
        c.setOneReg(0, dbcn, 1);
        assertEquals(1, c.getOneReg(0, dbcn));
        dev.hcsim.core.KvmException e = org.junit.jupiter.api.Assertions.assertThrows(dev.hcsim.core.KvmException.class,
                () -> c.setOneReg(0, dbcn, 2));
        assertEquals(dev.hcsim.core.Errno.EINVAL, e.errno());
        long sta = RiscvVm.KVM_REG_RISCV_U64 | RiscvVm.KVM_REG_RISCV_SBI_STATE | RiscvVm.KVM_REG_RISCV_SBI_STA;
        assertEquals(dev.hcsim.core.Errno.EINVAL, org.junit.jupiter.api.Assertions.assertThrows(dev.hcsim.core.KvmException.class,
                () -> c.getOneReg(0, sta | 7)).errno());
        assertEquals(dev.hcsim.core.Errno.ENOENT, org.junit.jupiter.api.Assertions.assertThrows(dev.hcsim.core.KvmException.class,
                () -> c.getOneReg(0, RiscvVm.KVM_REG_RISCV_U64 | 0x0300_0000L)).errno());
        assertEquals(6, c.describe().size());
    }

    @Test
    @DisplayName("vcpu_sbi_sta.c kvm_sbi_ext_sta_set_reg: shmem_lo must be 64-byte aligned or all-ones (-EINVAL otherwise, nothing changed)")
    void staShmemAlignment() {
        RiscvVm s = Harness.of(1).riscv();
        long lo = RiscvVm.KVM_REG_RISCV_U64 | RiscvVm.KVM_REG_RISCV_SBI_STATE | RiscvVm.KVM_REG_RISCV_SBI_STA;
        assertEquals(0, s.setOneReg(0, lo, 0x4000));
        for (long bad : new long[] {0x4001, 0x4020, 0x403F, -2L}) {
            assertEquals(-RiscvVm.EINVAL, s.setOneReg(0, lo, bad), Long.toHexString(bad));
            assertEquals(0x4000, s.oneReg(0, lo), "a refused value leaves shmem as it was");
        }
        assertEquals(0, s.setOneReg(0, lo, -1L), "INVALID_GPA turns steal time off");
        assertEquals(-1L, s.oneReg(0, lo));
    }

    @Test
    @DisplayName("riscv_vcpu_set_sbi_ext_multi: MULTI_DIS clears each set bit; reading MULTI_DIS gives the inverted mask")
    void multi() {
        RiscvVm s = Harness.of(1).riscv();
        long en = RiscvVm.KVM_REG_RISCV_U64 | RiscvVm.KVM_REG_RISCV_SBI_EXT | RiscvVm.KVM_REG_RISCV_SBI_MULTI_EN;
        long dis = RiscvVm.KVM_REG_RISCV_U64 | RiscvVm.KVM_REG_RISCV_SBI_EXT | RiscvVm.KVM_REG_RISCV_SBI_MULTI_DIS;
        long before = s.oneReg(0, en);
        assertEquals(~before, s.oneReg(0, dis));
        assertEquals(0, s.setOneReg(0, dis, 1L << SbiExtension.TIME.index() | 1L << SbiExtension.IPI.index()));
        assertEquals(before & ~(1L << 1 | 1L << 2), s.oneReg(0, en));
        assertEquals(-RiscvVm.ENOENT, s.setOneReg(0, en | 1, 1), "only register 0 exists while KVM_RISCV_SBI_EXT_MAX <= 64");
        assertNull(s.oneReg(0, en | 1));
    }

    @Test
    @DisplayName("DBCN (vcpu_sbi_forward.c): every function forwarded with args a0..a5; re-entry writes ret[0], ret[1] and sepc + 4")
    void dbcn() {
        Harness h = Harness.of(1, "sbi-dbcn=on");
        TrapResult r = h.ecall(EXT_DBCN, 0, 5, 0x100, 0);
        assertEquals("KVM_EXIT_RISCV_SBI", r.exit().reason().kernelName());
        assertEquals(EXT_DBCN, ExitFields.nr(r));
        assertEquals(0, ExitFields.functionId(r));
        assertEquals(5, ExitFields.arg(r, 0));
        assertEquals(0x100, ExitFields.arg(r, 1));
        assertEquals(-2, ExitFields.preset(r));
        h.vm.completeExit(0, h.regs(0), h.m.memory(), ExitFields.answer(r, 0, 5));
        assertEquals(0, h.a(0));
        assertEquals(5, h.a(1));
        assertEquals(Harness.AT + 4, h.regs(0).pc());
        TrapResult any = h.ecall(EXT_DBCN, 42);
        assertEquals(Outcome.EXIT_TO_HOST, any.outcome(), "the whole extension is forwarded, unknown FIDs too");
        TrapResult vendor = Harness.of(1).ecall(0x09AB_CDEFL, 7, 1);
        assertEquals("KVM_EXIT_RISCV_SBI", vendor.exit().reason().kernelName());
        assertEquals(0x09AB_CDEFL, ExitFields.nr(vendor));
    }

    @Test
    @DisplayName("kvm_sbi_fwft_set/get: unknown feature -4, defined but unsupported -2, bad flags -3, locked -14; ONE_REG enable/flags/value")
    void fwft() {
        Harness h = Harness.of(1);
        h.ecall(EXT_FWFT, 0, 0, 1, 0);
        assertEquals(0, h.a(0));
        h.ecall(EXT_FWFT, 1, 0);
        assertEquals(1, h.a(1));
        h.ecall(EXT_FWFT, 0, 0, 2, 0);
        assertEquals(-3, h.a(0), "misaligned delegation takes 0 or 1");
        h.ecall(EXT_FWFT, 0, 0, 1, 2);
        assertEquals(-3, h.a(0), "flags other than LOCK");
        h.ecall(EXT_FWFT, 0, 0x1234, 1, 0);
        assertEquals(-4, h.a(0));
        h.ecall(EXT_FWFT, 0, 1, 1, 0);
        assertEquals(-2, h.a(0), "LANDING_PAD is defined, KVM does not support it");
        h.ecall(EXT_FWFT, 0, 4, 1, 0);
        assertEquals(-2, h.a(0), "PTE_AD_HW_UPDATING needs Svadu");
        h.ecall(EXT_FWFT, 0, 0, 0, 1);
        assertEquals(0, h.a(0));
        h.ecall(EXT_FWFT, 0, 0, 1, 0);
        assertEquals(-14, h.a(0), "SBI_ERR_DENIED_LOCKED");
        long fwft = RiscvVm.KVM_REG_RISCV_U64 | RiscvVm.KVM_REG_RISCV_SBI_STATE | RiscvVm.KVM_REG_RISCV_SBI_FWFT;
        assertEquals(1L, h.riscv().oneReg(0, fwft), "enable");
        assertEquals(1L, h.riscv().oneReg(0, fwft | 1), "flags: LOCK");
        assertEquals(0L, h.riscv().oneReg(0, fwft | 2), "value");
        assertNull(h.riscv().oneReg(0, fwft | 3), "pointer masking is not supported on this host: -ENOENT");
        Harness pm = Harness.of(1, "pmlen=7");
        pm.ecall(EXT_FWFT, 0, 5, 16, 0);
        assertEquals(-3, pm.a(0));
        pm.ecall(EXT_FWFT, 0, 5, 7, 0);
        assertEquals(0, pm.a(0));
    }
}
