package dev.hcsim.arch.riscv;

import static dev.hcsim.arch.riscv.RiscvHypercalls.EXT_BASE;
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
}
