package dev.hcsim.arch.riscv;

import static dev.hcsim.arch.riscv.RiscvHypercalls.EXT_0_1_CLEAR_IPI;
import static dev.hcsim.arch.riscv.RiscvHypercalls.EXT_0_1_REMOTE_FENCE_I;
import static dev.hcsim.arch.riscv.RiscvHypercalls.EXT_0_1_SEND_IPI;
import static dev.hcsim.arch.riscv.RiscvHypercalls.EXT_0_1_SET_TIMER;
import static dev.hcsim.arch.riscv.RiscvHypercalls.EXT_BASE;
import static dev.hcsim.arch.riscv.RiscvHypercalls.EXT_DBCN;
import static dev.hcsim.arch.riscv.RiscvHypercalls.IRQ_S_SOFT;
import static dev.hcsim.arch.riscv.RiscvHypercalls.IRQ_S_TIMER;
import static dev.hcsim.arch.riscv.RiscvHypercalls.EXT_EXPERIMENTAL_END;
import static dev.hcsim.arch.riscv.RiscvHypercalls.EXT_EXPERIMENTAL_START;
import static dev.hcsim.arch.riscv.RiscvHypercalls.EXT_HSM;
import static dev.hcsim.arch.riscv.RiscvHypercalls.EXT_VENDOR_END;
import static dev.hcsim.arch.riscv.RiscvHypercalls.EXT_VENDOR_START;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hcsim.core.Outcome;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The edges of the SBI dispatcher's and BASE's decisions (issue 25: mutants no test noticed), each against the kernel function named. */
class RiscvSbiBoundariesTest {

    @ParameterizedTest(name = "PROBE_EXT 0x{0}: forwarded = {1}")
    @CsvSource({"07ffffff, false", "08000000, true", "08ffffff, true", "09000000, true", "09ffffff, true", "0a000000, false"})
    @DisplayName("PROBE_EXT forwards exactly SBI_EXT_EXPERIMENTAL_START..END and SBI_EXT_VENDOR_START..END to the VMM, both ends included; "
            + "one ID outside answers 0 (arch/riscv/kvm/vcpu_sbi_base.c kvm_sbi_ext_base_handler)")
    void probeRangesIncludeBothEnds(String hex, boolean forwarded) {
        long id = Long.parseLong(hex, 16);
        Harness h = Harness.of(1);
        TrapResult r = h.ecall(EXT_BASE, 3, id);
        if (forwarded) {
            assertEquals(Outcome.EXIT_TO_HOST, r.outcome());
            assertEquals("KVM_EXIT_RISCV_SBI", r.exit().reason().kernelName());
        } else {
            assertEquals(Outcome.RESUME, r.outcome());
            assertEquals(0, h.a(0));
            assertEquals(0, h.a(1));
        }
        // the constants are the spec's (include/asm/sbi.h)
        assertEquals(0x0800_0000L, EXT_EXPERIMENTAL_START);
        assertEquals(0x08FF_FFFFL, EXT_EXPERIMENTAL_END);
        assertEquals(0x0900_0000L, EXT_VENDOR_START);
        assertEquals(0x09FF_FFFFL, EXT_VENDOR_END);
    }

    @Test
    @DisplayName("an extension or function ID with bits above 31 names nothing: SBI_ERR_NOT_SUPPORTED, although its low half is BASE "
            + "(kvm_vcpu_sbi_find_ext and the handlers' switch compare the whole unsigned long a7 / a6)")
    void widerIdsNameNothing() {
        Harness h = Harness.of(1);
        h.ecall(EXT_BASE, 1);
        assertEquals(0, h.a(0), "BASE GET_IMP_ID itself succeeds");
        h.ecall(EXT_BASE | 1L << 32, 1);
        assertEquals(RiscvStatus.SBI_ERR_NOT_SUPPORTED, h.a(0));
        h.ecall(EXT_BASE, 1 | 1L << 32);
        assertEquals(RiscvStatus.SBI_ERR_NOT_SUPPORTED, h.a(0));
        assertEquals(0xFFFF_FFFF_0000_0001L, RiscvHypercalls.key(EXT_BASE | 1L << 40, 1));
        assertEquals(EXT_BASE << 32 | 0xFFFF_FFFFL, RiscvHypercalls.key(EXT_BASE, 1L << 33));
    }

    @Test
    @DisplayName("GET_IMP_VERSION is LINUX_VERSION_CODE = KERNEL_VERSION(a, b, c) with c capped at 255 (include/generated/uapi/linux/version.h); "
            + "a missing minor or patch is 0; GET_SPEC_VERSION is major << 24 | minor")
    void versionCodes() {
        assertEquals(6L << 16 | 18L << 8, RiscvHypercalls.linuxVersionCode("6.18"));
        assertEquals(6L << 16, RiscvHypercalls.linuxVersionCode("6"));
        assertEquals(6L << 16 | 1L << 8 | 7, RiscvHypercalls.linuxVersionCode("6.1.7"));
        assertEquals(6L << 16 | 1L << 8 | 255, RiscvHypercalls.linuxVersionCode("6.1.300"));
        assertEquals(6L << 16 | 1L << 8 | 255, RiscvHypercalls.linuxVersionCode("6.1.255"));
        assertThrows(IllegalArgumentException.class, () -> RiscvHypercalls.linuxVersionCode("six"));
        assertEquals(3L << 24, RiscvHypercalls.specVersion("3"));
        assertEquals(2L << 24 | 1, RiscvHypercalls.specVersion("2.1"));
    }

    @Test
    @DisplayName("HART_START records the target's reset state (reset_state->pc = a1, ->a1 = a2) when it starts it, and leaves it alone "
            + "when the hart is not stopped (arch/riscv/kvm/vcpu_sbi_hsm.c kvm_sbi_hsm_vcpu_start)")
    void hartStartRecordsResetStateOnlyWhenItStarts() {
        Harness h = Harness.of(2).state(1, VcpuState.OFF);
        h.ecall(EXT_HSM, 0, 1, 0x8020_0000L, 0x1234);
        assertEquals(0, h.a(0));
        assertEquals(0x8020_0000L, h.riscv().resetPc(1));
        assertEquals(0x1234, h.riscv().resetA1(1));
        h.ecall(EXT_HSM, 0, 1, 0x9000_0000L, 0x5678);
        assertEquals(-6, h.a(0), "SBI_ERR_ALREADY_AVAILABLE: hart 1 runs now");
        assertEquals(0x8020_0000L, h.riscv().resetPc(1), "a refused start changes no reset state");
        assertEquals(0x1234, h.riscv().resetA1(1));
    }

    @Test
    @DisplayName("HART_GET_STATUS of hart 0 asked by another hart: STOPPED (1) when off, SUSPENDED (4) when blocked "
            + "(kvm_sbi_hsm_vcpu_get_status; hart 0 is a hart like any other)")
    void hartStatusOfHartZero() {
        Harness off = Harness.of(2).state(0, VcpuState.OFF);
        off.ecall(1, EXT_HSM, 2, 0);
        assertEquals(0, off.a(1, 0));
        assertEquals(1, off.a(1, 1));
        Harness halted = Harness.of(2).state(0, VcpuState.HALTED);
        halted.ecall(1, EXT_HSM, 2, 0);
        assertEquals(4, halted.a(1, 1));
    }

    // ---------------------------------------------------------------- the legacy v0.1 calls (vcpu_sbi_v01.c)

    @Test
    @DisplayName("v0.1 CLEAR_IPI clears only sip.SSIP of the caller (kvm_riscv_vcpu_unset_interrupt(IRQ_VS_SOFT)); STIP stays")
    void legacyClearIpiClearsOnlySsip() {
        Harness h = Harness.of(1);
        h.regs(0).set(RiscvRegisters.SIP, 1L << IRQ_S_SOFT | 1L << IRQ_S_TIMER);
        h.ecall(EXT_0_1_CLEAR_IPI, 0);
        assertEquals(0, h.a(0));
        assertEquals(1L << IRQ_S_TIMER, h.regs(0).get(RiscvRegisters.SIP));
    }

    @Test
    @DisplayName("v0.1 SET_TIMER programs the timer: a deadline not after the time CSR makes STIP pending at once, a later one clears it "
            + "(kvm_riscv_vcpu_timer_next_event)")
    void legacySetTimerProgramsTheTimer() {
        Harness h = Harness.of(1);
        h.ecall(EXT_0_1_SET_TIMER, 0, 0);
        assertEquals(1L << IRQ_S_TIMER, h.regs(0).get(RiscvRegisters.SIP) & 1L << IRQ_S_TIMER);
        h.ecall(EXT_0_1_SET_TIMER, 0, 1_000_000);
        assertEquals(0, h.regs(0).get(RiscvRegisters.SIP) & 1L << IRQ_S_TIMER);
    }

    @Test
    @DisplayName("v0.1 SEND_IPI: a0 = 0 names every online hart; a mask names exactly its set bits, hart 0 included, once each "
            + "(kvm_sbi_ext_v01_handler, kvm_riscv_vcpu_set_interrupt)")
    void legacySendIpiMask() {
        Harness all = Harness.of(3);
        all.ecall(EXT_0_1_SEND_IPI, 0, 0);
        for (int v = 0; v < 3; v++) {
            assertEquals(1, all.m.interrupts(v).getOrDefault(IRQ_S_SOFT, 0), "hart " + v);
        }
        Harness one = Harness.of(3);
        one.m.memory().write(0x2000, new byte[] {1, 0, 0, 0, 0, 0, 0, 0}, 0, 8); // hart 0 only
        one.ecall(1, EXT_0_1_SEND_IPI, 0, 0x2000);
        assertEquals(1, one.m.interrupts(0).getOrDefault(IRQ_S_SOFT, 0));
        assertEquals(0, one.m.interrupts(1).getOrDefault(IRQ_S_SOFT, 0));
        assertEquals(0, one.m.interrupts(2).getOrDefault(IRQ_S_SOFT, 0));
    }

    @Test
    @DisplayName("v0.1 REMOTE_FENCE_I reads the mask and answers 0; an unreadable mask is the load access fault, nothing written")
    void legacyRemoteFence() {
        Harness h = Harness.of(2);
        h.regs(0).set(RiscvRegisters.A0, 0x55);
        TrapResult ok = h.ecall(EXT_0_1_REMOTE_FENCE_I, 0, 0);
        assertEquals(Outcome.RESUME, ok.outcome());
        assertEquals(0, h.a(0));
        TrapResult fault = h.ecall(EXT_0_1_REMOTE_FENCE_I, 0, 0x7000_0000L);
        assertEquals(Outcome.FAULT, fault.outcome());
        assertEquals(0x7000_0000L, h.a(0), "a0 keeps the mask's address");
    }

    // ---------------------------------------------------------------- what the trace names

    @Test
    @DisplayName("the trace of an unknown extension carries its number eid << 32 | fid; a forwarded DBCN call its name and number, "
            + "and the trap's next PC stays at the ecall until the host answers (kvm_riscv_vcpu_sbi_forward_handler)")
    void traceNumbersAndNames() {
        Harness h = Harness.of(1, "sbi-dbcn=on");
        TrapResult unknown = h.ecall(0x4142_4344L, 7);
        assertEquals(0x4142_4344_0000_0007L, unknown.number());
        TrapResult dbcn = h.ecall(EXT_DBCN, 0, 3, 0x2000, 0);
        assertEquals(Outcome.EXIT_TO_HOST, dbcn.outcome());
        assertEquals("SBI_EXT_DBCN_CONSOLE_WRITE", dbcn.callName());
        assertEquals(EXT_DBCN << 32, dbcn.number());
        assertEquals(Harness.AT, dbcn.nextPc());
    }
}
