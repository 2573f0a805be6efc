package dev.hcsim.arch.riscv;

import static dev.hcsim.arch.riscv.RiscvHypercalls.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hcsim.core.MemoryAccess;
import java.nio.ByteOrder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The guest-visible PMU (arch/riscv/kvm/vcpu_sbi_pmu.c, vcpu_pmu.c), with the assertions of the KVM
 * selftest tools/testing/selftests/kvm/riscv/sbi_pmu_test.c that need no real counting
 * (test_pmu_basic_sanity: counter info, start/stop errors; the firmware event tests).
 */
class RiscvSbiPmuTest {
    static final long FW = 0xFL << 16;

    @Test
    @DisplayName("kvm_riscv_vcpu_pmu_init without Sscofpmf: the extension is unavailable, every call -2, the switch -ENOENT (-EBUSY once run)")
    void noHostPmu() {
        Harness h = Harness.of(1);
        assertNull(h.riscv().oneReg(0, RiscvVm.sbiExtRegister(SbiExtension.PMU)));
        assertEquals(-RiscvVm.ENOENT, h.riscv().setOneReg(0, RiscvVm.sbiExtRegister(SbiExtension.PMU), 1));
        h.ecall(EXT_PMU, 0);
        assertEquals(-2, h.a(0));
        assertEquals(-RiscvVm.EBUSY, h.riscv().setOneReg(0, RiscvVm.sbiExtRegister(SbiExtension.PMU), 1), "ran_atleast_once is checked first");
    }

    @Test
    @DisplayName("kvm_riscv_vcpu_pmu_num_ctrs / _ctr_info: host counters + 1 hardware, 22 firmware; info csr|width<<12|type<<63; 1 and >= 64: -3")
    void counterInfo() {
        Harness h = Harness.of(1, "host-pmu=sscofpmf", "hpm-counters=4", "hpm-width=47");
        h.ecall(EXT_PMU, 0);
        assertEquals(5 + 22, h.a(1));
        h.ecall(EXT_PMU, 1, 0);
        assertEquals(0xC00 | 63L << 12, h.a(1));
        h.ecall(EXT_PMU, 1, 3);
        assertEquals(0xC03 | 47L << 12, h.a(1));
        h.ecall(EXT_PMU, 1, 5);
        assertEquals(63L << 12 | 1L << 63, h.a(1), "counter 5 is the first firmware counter");
        h.ecall(EXT_PMU, 1, 40);
        assertEquals(0, h.a(0));
        assertEquals(0, h.a(1), "an unused slot below 64 answers 0, not an error");
        h.ecall(EXT_PMU, 1, 1);
        assertEquals(-3, h.a(0));
        h.ecall(EXT_PMU, 1, 64);
        assertEquals(-3, h.a(0));
    }

    @Test
    @DisplayName("firmware events: CFG_MATCH picks a firmware counter, START/STOP bookkeeping with -7 ALREADY_STARTED and -8 ALREADY_STOPPED, FW_READ counts SET_TIMER")
    void firmwareCounter() {
        Harness h = Harness.of(1, "host-pmu=sscofpmf", "hpm-counters=4");
        h.ecall(EXT_PMU, 2, 0, -1L >>> 37, 0, FW | RiscvSbiPmu.FW_SET_TIMER, 0);
        assertEquals(0, h.a(0));
        long ctr = h.a(1);
        assertEquals(5, ctr);
        h.ecall(EXT_PMU, 3, ctr, 1, 0, 0);
        assertEquals(0, h.a(0));
        h.ecall(EXT_PMU, 3, ctr, 1, 0, 0);
        assertEquals(-7, h.a(0));
        h.ecall(EXT_TIME, 0, 1);
        h.ecall(EXT_TIME, 0, 2);
        h.ecall(EXT_PMU, 5, ctr);
        assertEquals(2, h.a(1));
        h.ecall(EXT_PMU, 4, ctr, 1, 0);
        assertEquals(0, h.a(0));
        h.ecall(EXT_PMU, 4, ctr, 1, 0);
        assertEquals(-8, h.a(0));
        h.ecall(EXT_PMU, 5, 1);
        assertEquals(-3, h.a(0), "pmu_ctr_read of counter 1 (time)");
        h.ecall(EXT_PMU, 2, 0, 1, 0, FW | 22, 0);
        assertEquals(-2, h.a(0), "a firmware event code >= SBI_PMU_FW_MAX");
    }

    @Test
    @DisplayName("kvm_riscv_vcpu_pmu_ctr_cfg_match: cycles always counter 0, instructions 2; bad mask -3; SKIP_MATCH on an unused counter -1")
    void cfgMatch() {
        Harness h = Harness.of(1, "host-pmu=sscofpmf", "hpm-counters=4");
        h.ecall(EXT_PMU, 2, 3, 1, 0, 1, 0);
        assertEquals(0, h.a(1), "SBI_PMU_HW_CPU_CYCLES takes counter 0 whatever the mask");
        h.ecall(EXT_PMU, 2, 0, 0b11111, 0, 2, 0);
        assertEquals(2, h.a(1));
        h.ecall(EXT_PMU, 2, 0, 0b11111, 0, 3, 0);
        assertEquals(3, h.a(1), "other events from counter 3");
        h.ecall(EXT_PMU, 2, 0, 0, 0, 3, 0);
        assertEquals(-3, h.a(0));
        h.ecall(EXT_PMU, 2, 100, 1, 0, 3, 0);
        assertEquals(-3, h.a(0));
        h.ecall(EXT_PMU, 2, 4, 1, RiscvSbiPmu.CFG_SKIP_MATCH, 3, 0);
        assertEquals(-1, h.a(0));
        h.ecall(EXT_PMU, 2, 0, 0b11000, 0, 4, 0);
        assertEquals(4, h.a(1));
        h.ecall(EXT_PMU, 2, 0, 0b11000, 0, 5, 0);
        assertEquals(-2, h.a(0), "no free programmable counter left in the mask");
    }

    @Test
    @DisplayName("snapshot: START/STOP with the snapshot flag and no area -9 (SBI_ERR_NO_SHMEM); STOP with TAKE_SNAPSHOT writes ctr_values[i]")
    void snapshot() {
        Harness h = Harness.of(1, "host-pmu=sscofpmf", "hpm-counters=4");
        h.ecall(EXT_PMU, 2, 0, -1L >>> 37, RiscvSbiPmu.CFG_AUTO_START, FW | RiscvSbiPmu.FW_IPI_SENT, 0);
        long ctr = h.a(1);
        h.ecall(EXT_PMU, 4, ctr, 1, RiscvSbiPmu.STOP_TAKE_SNAPSHOT);
        assertEquals(-9, h.a(0));
        h.ecall(EXT_PMU, 7, 0x8000, 0, 0);
        assertEquals(0, h.a(0));
        h.ecall(EXT_IPI, 0, 1, 0);
        h.ecall(EXT_PMU, 4, ctr, 1, RiscvSbiPmu.STOP_TAKE_SNAPSHOT);
        assertEquals(0, h.a(0));
        assertEquals(1, new MemoryAccess(h.m.memory(), ByteOrder.LITTLE_ENDIAN).read64(0x8000 + 8), "ctr_values[0] (relative to the base)");
        h.ecall(EXT_PMU, 7, 0x8000, 0, 1);
        assertEquals(-3, h.a(0));
        h.ecall(EXT_PMU, 7, 0x8000, 1, 0);
        assertEquals(-5, h.a(0));
    }
}
