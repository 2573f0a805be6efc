package dev.hcsim.arch.riscv;

import static dev.hcsim.arch.riscv.RiscvHypercalls.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hcsim.core.MemoryAccess;
import java.nio.ByteOrder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The edges of the guest-visible PMU (issue 25: mutants no test noticed), each against arch/riscv/kvm/vcpu_pmu.c and
 * vcpu_sbi_pmu.c. The host has 4 counters (hpm-counters=4): counters 0 and 2..4 are hardware (1 is time), 5..26 the
 * 22 firmware counters (kvm_riscv_vcpu_pmu_init: num_hw_ctrs = 4 + 1, num_fw_ctrs = SBI_PMU_FW_MAX).
 */
class RiscvPmuEdgesTest {
    static final long FW = 0xFL << 16;
    static final long CACHE = 1L << 16;
    static final int NUM = 0;
    static final int INFO = 1;
    static final int CFG = 2;
    static final int START = 3;
    static final int STOP = 4;
    static final int READ = 5;
    static final int READ_HI = 6;
    static final int SNAPSHOT = 7;
    static final int EVENT_INFO = 8;
    /** Every counter of the host above: counters 0..26. */
    static final long ALL = (1L << 27) - 1;

    static Harness pmu() {
        return Harness.of(2, "host-pmu=sscofpmf", "hpm-counters=4", "hpm-width=47");
    }

    static MemoryAccess mem(Harness h) {
        return new MemoryAccess(h.m.memory(), ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    @DisplayName("kvm_riscv_vcpu_pmu_init needs both hpm_width and num_hw_ctrs from the host (!hpm_width || !num_hw_ctrs: no PMU): "
            + "with 0 counters or width 0 the extension is unavailable, PROBE_EXT 0, every call SBI_ERR_NOT_SUPPORTED")
    void noCountersOrNoWidthMeansNoPmu() {
        for (String bad : new String[] {"hpm-counters=0", "hpm-width=0"}) {
            Harness h = Harness.of(1, "host-pmu=sscofpmf", bad);
            h.ecall(EXT_BASE, 3, EXT_PMU);
            assertEquals(0, h.a(1), bad + ": PROBE_EXT(PMU)");
            h.ecall(EXT_PMU, NUM);
            assertEquals(-2, h.a(0), bad);
        }
        Harness one = Harness.of(1, "host-pmu=sscofpmf", "hpm-counters=1", "hpm-width=1");
        one.ecall(EXT_PMU, NUM);
        assertEquals(0, one.a(0));
        assertEquals(2 + 22, one.a(1), "one host counter + the time slot, and the 22 firmware counters");
    }

    @Test
    @DisplayName("COUNTER_GET_INFO of the first slot past the counters (27) answers 0: kvm_riscv_vcpu_pmu_init fills cinfo only "
            + "below num_hw_ctrs + num_fw_ctrs; the last firmware counter (26) has type FW and width 63")
    void counterInfoPastTheLastCounterIsZero() {
        Harness h = pmu();
        h.ecall(EXT_PMU, INFO, 26);
        assertEquals(63L << 12 | 1L << 63, h.a(1));
        h.ecall(EXT_PMU, INFO, 27);
        assertEquals(0, h.a(0));
        assertEquals(0, h.a(1));
        h.ecall(EXT_PMU, INFO, 4);
        assertEquals(0xC04 | 47L << 12, h.a(1), "the last hardware counter: csr CSR_CYCLE + 4, hpm_width");
    }

    @Test
    @DisplayName("pmu_ctr_read of a firmware counter no CFG_MATCH configured: event_idx is SBI_PMU_EVENT_IDX_INVALID from init, so "
            + "SBI_ERR_INVALID_PARAM; of a hardware counter without a perf event, too")
    void readOfAnUnconfiguredCounterIsInvalid() {
        Harness h = pmu();
        h.ecall(EXT_PMU, READ, 5);
        assertEquals(-3, h.a(0), "firmware counter 5, never configured");
        h.ecall(EXT_PMU, READ, 3);
        assertEquals(-3, h.a(0), "hardware counter 3, no perf event");
        h.ecall(EXT_PMU, READ, 27);
        assertEquals(-3, h.a(0), "cidx >= kvm_pmu_num_counters");
        h.ecall(EXT_PMU, READ_HI, 5);
        assertEquals(0, h.a(0), "FW_READ_HI on RV64: out_val 0");
        assertEquals(0, h.a(1));
    }

    @Test
    @DisplayName("kvm_riscv_vcpu_pmu_incr_fw counts only while the firmware event is started: SET_TIMER before COUNTER_START is "
            + "not counted, and CFG_MATCH without SBI_PMU_CFG_FLAG_AUTO_START leaves the event stopped")
    void firmwareEventsCountOnlyWhileStarted() {
        Harness h = pmu();
        h.ecall(EXT_PMU, CFG, 0, ALL, 0, FW | RiscvSbiPmu.FW_SET_TIMER, 0);
        assertEquals(0, h.a(0));
        long ctr = h.a(1);
        h.ecall(EXT_TIME, 0, 5);
        h.ecall(EXT_PMU, READ, ctr);
        assertEquals(0, h.a(0));
        assertEquals(0, h.a(1), "not started: the SET_TIMER is not counted");
        h.ecall(EXT_PMU, START, ctr, 1, 0, 0);
        assertEquals(0, h.a(0), "CFG_MATCH did not start it");
        h.ecall(EXT_TIME, 0, 6);
        h.ecall(EXT_PMU, READ, ctr);
        assertEquals(1, h.a(1));
    }

    @Test
    @DisplayName("each counted firmware event (vcpu_sbi_replace.c): IPI_SENT on the sender and IPI_RCVD on the target "
            + "(kvm_sbi_ext_ipi_handler), FENCE_I_SENT, HFENCE_VVMA_SENT and HFENCE_VVMA_ASID_SENT (kvm_sbi_ext_rfence_handler)")
    void firmwareEventsOfIpiAndRfence() {
        Harness h = pmu();
        int[] events = {RiscvSbiPmu.FW_IPI_SENT, RiscvSbiPmu.FW_FENCE_I_SENT, RiscvSbiPmu.FW_HFENCE_VVMA_SENT,
            RiscvSbiPmu.FW_HFENCE_VVMA_ASID_SENT};
        long[] ctr = new long[events.length];
        for (int i = 0; i < events.length; i++) {
            h.ecall(EXT_PMU, CFG, 0, ALL, RiscvSbiPmu.CFG_AUTO_START, FW | events[i], 0);
            assertEquals(0, h.a(0));
            ctr[i] = h.a(1);
        }
        h.ecall(1, EXT_PMU, CFG, 0, ALL, RiscvSbiPmu.CFG_AUTO_START, FW | RiscvSbiPmu.FW_IPI_RCVD, 0);
        long rcvd = h.a(1, 1);
        h.ecall(EXT_IPI, 0, 0b10, 0); // hart 1
        h.ecall(EXT_RFENCE, 0, 1, 0);
        h.ecall(EXT_RFENCE, 0, 1, 0);
        h.ecall(EXT_RFENCE, 1, 1, 0, 0, 0);
        h.ecall(EXT_RFENCE, 1, 1, 0, 0, 0);
        h.ecall(EXT_RFENCE, 1, 1, 0, 0, 0);
        h.ecall(EXT_RFENCE, 2, 1, 0, 0, 0, 0);
        long[] expected = {1, 2, 3, 1};
        for (int i = 0; i < events.length; i++) {
            h.ecall(EXT_PMU, READ, ctr[i]);
            assertEquals(expected[i], h.a(1), "firmware event " + events[i]);
        }
        h.ecall(1, EXT_PMU, READ, rcvd);
        assertEquals(1, h.a(1, 1), "IPI_RCVD counted on the target hart");
        h.ecall(EXT_PMU, CFG, 0, ALL, RiscvSbiPmu.CFG_AUTO_START, FW | RiscvSbiPmu.FW_IPI_RCVD, 0);
        long own = h.a(1);
        h.ecall(EXT_PMU, READ, own);
        assertEquals(0, h.a(1), "the sender received nothing");
    }

    @Test
    @DisplayName("kvm_pmu_validate_counter_mask: base < num_ctrs and base + __fls(mask) < num_ctrs, both ends exact (27 counters)")
    void counterMaskEdges() {
        Harness h = pmu();
        h.ecall(EXT_PMU, START, 26, 1, 0, 0);
        assertEquals(0, h.a(0), "base 26: the last counter");
        h.ecall(EXT_PMU, START, 27, 1, 0, 0);
        assertEquals(-3, h.a(0), "base 27");
        h.ecall(EXT_PMU, START, 20, 1L << 6, 0, 0);
        assertEquals(0, h.a(0), "20 + 6 = 26");
        h.ecall(EXT_PMU, START, 20, 1L << 7, 0, 0);
        assertEquals(-3, h.a(0), "20 + 7 = 27");
        h.ecall(EXT_PMU, STOP, 0, 0, 0);
        assertEquals(-3, h.a(0), "an empty mask");
        h.ecall(EXT_PMU, START, 0, 1, RiscvSbiPmu.START_INIT_SNAPSHOT, 0);
        assertEquals(-9, h.a(0), "SBI_PMU_START_FLAG_INIT_SNAPSHOT without a snapshot area: SBI_ERR_NO_SHMEM");
    }

    @Test
    @DisplayName("kvm_pmu_get_perf_event_config: HW codes below SBI_PMU_HW_GENERAL_MAX (11), cache events with type < 7, op < 3 "
            + "(result is one bit), RAW and RAW_V2 can be counted; anything else is SBI_ERR_NOT_SUPPORTED at CFG_MATCH")
    void whichEventsTheHostCanCount() {
        long[][] cases = {
            {10, 0}, {11, -2}, // HW: SBI_PMU_HW_REF_CPU_CYCLES is 10
            {CACHE | 6 << 3, 0}, {CACHE | 7 << 3, -2}, // cache type < PERF_COUNT_HW_CACHE_MAX (7)
            {CACHE | 2 << 1, 0}, {CACHE | 3 << 1, -2}, // cache op < PERF_COUNT_HW_CACHE_OP_MAX (3)
            {2L << 16, 0}, {3L << 16, 0}, {4L << 16 | 3, -2}, {5L << 16, -2},
        };
        for (long[] c : cases) {
            Harness h = pmu();
            h.ecall(EXT_PMU, CFG, 0, ALL, 0, c[0], 0);
            assertEquals(c[1], h.a(0), "event 0x" + Long.toHexString(c[0]));
        }
    }

    @Test
    @DisplayName("pmu_get_pmc_index: only HW CPU_CYCLES and INSTRUCTIONS (type 0) take the fixed counters 0 and 2; cache events with "
            + "codes 1 and 2 take programmable counters from 3; a programmable counter is i + cbase within [3, num_hw_ctrs)")
    void fixedAndProgrammableCounters() {
        Harness h = pmu();
        h.ecall(EXT_PMU, CFG, 0, ALL, 0, 1, 0);
        assertEquals(0, h.a(0));
        assertEquals(0, h.a(1), "cycles: counter 0");
        h.ecall(EXT_PMU, CFG, 0, ALL, 0, CACHE | 1, 0);
        assertEquals(0, h.a(0));
        assertEquals(3, h.a(1), "cache event 1 is no cycles event");
        h.ecall(EXT_PMU, CFG, 0, ALL, 0, CACHE | 2, 0);
        assertEquals(4, h.a(1), "cache event 2 is no instructions event");
        Harness b = pmu();
        b.ecall(EXT_PMU, CFG, 3, 0b11, 0, 3, 0);
        assertEquals(0, b.a(0));
        assertEquals(3, b.a(1), "cbase 3, bit 0");
        b.ecall(EXT_PMU, CFG, 3, 0b11, 0, 3, 0);
        assertEquals(4, b.a(1), "cbase 3, bit 1");
        Harness edge = pmu();
        edge.ecall(EXT_PMU, CFG, 0, 1L << 5, 0, 3, 0);
        assertEquals(-2, edge.a(0), "counter 5 is the first firmware counter, not a hardware one");
        edge.ecall(EXT_PMU, CFG, 0, 0b1111, 0, 3, 0);
        assertEquals(3, edge.a(1), "counters 0..2 are never programmable");
        edge.ecall(EXT_PMU, CFG, 0, ALL, 0, FW | 22, 0);
        assertEquals(-2, edge.a(0), "firmware code SBI_PMU_FW_MAX with a mask over every counter");
    }

    @Test
    @DisplayName("CFG_MATCH with SBI_PMU_CFG_FLAG_SKIP_MATCH takes counter cbase + __ffs(cmask) when it is in use (SKIP_MATCH of a free "
            + "one: SBI_ERR_FAILURE); SBI_PMU_CFG_FLAG_CLEAR_VALUE zeroes the counter (kvm_pmu_create_perf_event), without it the value stays")
    void skipMatchAndClearValue() {
        Harness h = pmu();
        h.ecall(EXT_PMU, CFG, 0, 1L << 3, 0, 3, 0);
        assertEquals(3, h.a(1));
        h.ecall(EXT_PMU, START, 3, 1, RiscvSbiPmu.START_SET_INIT_VALUE, 500);
        assertEquals(0, h.a(0));
        h.ecall(EXT_PMU, STOP, 3, 1, 0);
        assertEquals(0, h.a(0));
        h.ecall(EXT_PMU, CFG, 2, 0b10, RiscvSbiPmu.CFG_SKIP_MATCH, 3, 0);
        assertEquals(0, h.a(0), "cbase 2 + __ffs(0b10) = 3, in use");
        assertEquals(3, h.a(1));
        h.ecall(EXT_PMU, READ, 3);
        assertEquals(0, h.a(0));
        assertEquals(500, h.a(1), "no CLEAR_VALUE: the value stays");
        h.ecall(EXT_PMU, CFG, 2, 0b10, RiscvSbiPmu.CFG_SKIP_MATCH | RiscvSbiPmu.CFG_CLEAR_VALUE, 3, 0);
        h.ecall(EXT_PMU, READ, 3);
        assertEquals(0, h.a(1), "CLEAR_VALUE");
        h.ecall(EXT_PMU, CFG, 3, 0b10, RiscvSbiPmu.CFG_SKIP_MATCH, 3, 0);
        assertEquals(-1, h.a(0), "counter 4 is not in use");
    }

    @Test
    @DisplayName("hardware counters: COUNTER_START starts the perf event (0), again SBI_ERR_ALREADY_STARTED; STOP 0, again "
            + "SBI_ERR_ALREADY_STOPPED; two hardware events with the same code do not share state as firmware events do")
    void hardwareCounterStartStop() {
        Harness h = pmu();
        h.ecall(EXT_PMU, CFG, 0, ALL, 0, 3, 0);
        assertEquals(3, h.a(1));
        h.ecall(EXT_PMU, CFG, 0, ALL, 0, CACHE | 3, 0);
        assertEquals(4, h.a(1));
        h.ecall(EXT_PMU, START, 3, 1, 0, 0);
        assertEquals(0, h.a(0));
        h.ecall(EXT_PMU, START, 4, 1, 0, 0);
        assertEquals(0, h.a(0), "counter 4 has its own perf event");
        h.ecall(EXT_PMU, START, 3, 1, 0, 0);
        assertEquals(-7, h.a(0));
        h.ecall(EXT_PMU, STOP, 3, 1, 0);
        assertEquals(0, h.a(0));
        h.ecall(EXT_PMU, STOP, 3, 1, 0);
        assertEquals(-8, h.a(0));
        h.ecall(EXT_PMU, STOP, 3, 0b11, 0);
        assertEquals(-8, h.a(0), "counter 3 stopped already, counter 4 stopped now");
        h.ecall(EXT_PMU, START, 4, 1, 0, 0);
        assertEquals(0, h.a(0), "counter 4 was stopped by the mask's second bit");
    }

    @Test
    @DisplayName("COUNTER_START / STOP visit exactly the counters cbase + i of the mask's set bits that are in use; a counter "
            + "outside the mask keeps running, a free one in the mask is skipped")
    void startAndStopFollowTheMask() {
        Harness h = pmu();
        h.ecall(EXT_PMU, CFG, 0, ALL, RiscvSbiPmu.CFG_AUTO_START, FW | RiscvSbiPmu.FW_SET_TIMER, 0);
        assertEquals(5, h.a(1));
        h.ecall(EXT_PMU, CFG, 0, ALL, RiscvSbiPmu.CFG_AUTO_START, FW | RiscvSbiPmu.FW_IPI_SENT, 0);
        assertEquals(6, h.a(1));
        h.ecall(EXT_PMU, STOP, 5, 0b10, 0);
        assertEquals(0, h.a(0), "stops counter 6 only");
        h.ecall(EXT_PMU, START, 5, 1, 0, 0);
        assertEquals(-7, h.a(0), "counter 5 still runs");
        h.ecall(EXT_PMU, START, 5, 0b10, 0, 0);
        assertEquals(0, h.a(0), "counter 6 was stopped");
        h.ecall(EXT_PMU, STOP, 5, 0b101, 0);
        assertEquals(0, h.a(0), "counter 7 is free: skipped, not an error");
        h.ecall(EXT_PMU, START, 5, 0b101, 0, 0);
        assertEquals(0, h.a(0));
    }

    @Test
    @DisplayName("COUNTER_START with SBI_PMU_START_FLAG_INIT_SNAPSHOT loads each counter from ctr_values[i] of the snapshot area "
            + "(relative to cbase); SET_INIT_VALUE takes a3 instead (kvm_riscv_vcpu_pmu_ctr_start)")
    void startFromTheSnapshot() {
        Harness h = pmu();
        h.ecall(EXT_PMU, SNAPSHOT, 0x8000, 0, 0);
        assertEquals(0, h.a(0));
        h.ecall(EXT_PMU, CFG, 0, ALL, 0, FW | RiscvSbiPmu.FW_SET_TIMER, 0);
        h.ecall(EXT_PMU, CFG, 0, ALL, 0, FW | RiscvSbiPmu.FW_IPI_SENT, 0);
        mem(h).write(0x8000 + 8 + 8, 8, 40); // ctr_values[1]: counter 5 + 1
        h.ecall(EXT_PMU, START, 5, 0b10, RiscvSbiPmu.START_INIT_SNAPSHOT, 0);
        assertEquals(0, h.a(0));
        h.ecall(EXT_PMU, READ, 6);
        assertEquals(40, h.a(1));
        h.ecall(EXT_PMU, START, 5, 1, RiscvSbiPmu.START_SET_INIT_VALUE | RiscvSbiPmu.START_INIT_SNAPSHOT, 9);
        h.ecall(EXT_PMU, READ, 5);
        assertEquals(9, h.a(1), "SET_INIT_VALUE wins over the snapshot");
    }

    @Test
    @DisplayName("COUNTER_STOP with TAKE_SNAPSHOT writes ctr_values[i] at 8 + 8 * i of the area for mask bit i; without the flag the "
            + "area is not written; with SBI_PMU_STOP_FLAG_RESET the counter is released (not in use, event_idx invalid)")
    void stopSnapshotAndReset() {
        Harness h = pmu();
        h.ecall(EXT_PMU, SNAPSHOT, 0x8000, 0, 0);
        h.ecall(EXT_PMU, CFG, 0, ALL, 0, FW | RiscvSbiPmu.FW_SET_TIMER, 0);
        h.ecall(EXT_PMU, CFG, 0, ALL, 0, FW | RiscvSbiPmu.FW_IPI_SENT, 0);
        h.ecall(EXT_PMU, START, 5, 0b11, RiscvSbiPmu.START_SET_INIT_VALUE, 70);
        mem(h).write(0x8000, 8, 0x5A5A);
        h.ecall(EXT_PMU, STOP, 5, 0b1, 0);
        assertEquals(0, h.a(0));
        assertEquals(0x5A5A, mem(h).read64(0x8000), "no TAKE_SNAPSHOT: the area is left alone");
        h.ecall(EXT_PMU, STOP, 5, 0b10, RiscvSbiPmu.STOP_TAKE_SNAPSHOT | RiscvSbiPmu.STOP_RESET);
        assertEquals(0, h.a(0));
        assertEquals(70, mem(h).read64(0x8000 + 16), "ctr_values[1]");
        assertEquals(0, mem(h).read64(0x8000 + 8), "ctr_values[0] untouched (the kernel's copy of the area is zero)");
        h.ecall(EXT_PMU, READ, 6);
        assertEquals(-3, h.a(0), "released: event_idx is SBI_PMU_EVENT_IDX_INVALID");
        h.ecall(EXT_PMU, CFG, 6, 1, RiscvSbiPmu.CFG_SKIP_MATCH, FW | RiscvSbiPmu.FW_IPI_SENT, 0);
        assertEquals(-1, h.a(0), "released: no longer in use");
        h.ecall(EXT_PMU, CFG, 0, ALL, 0, 3, 0);
        h.ecall(EXT_PMU, START, 3, 1, 0, 0);
        h.ecall(EXT_PMU, STOP, 3, 1, RiscvSbiPmu.STOP_RESET);
        assertEquals(0, h.a(0));
        h.ecall(EXT_PMU, READ, 3);
        assertEquals(-3, h.a(0), "a hardware counter stopped with RESET has no perf event left");
    }

    @Test
    @DisplayName("SNAPSHOT_SET_SHMEM: -1/-1 disables the area (a later TAKE_SNAPSHOT is SBI_ERR_NO_SHMEM); an area that is not guest "
            + "memory is SBI_ERR_INVALID_ADDRESS and leaves no area; a new area is zeroed (kvm_vcpu_write_guest of the kzalloc'ed sdata)")
    void snapshotArea() {
        Harness h = pmu();
        mem(h).write(0x9000 + 100, 8, -1L);
        h.ecall(EXT_PMU, SNAPSHOT, 0x9000, 0, 0);
        assertEquals(0, h.a(0));
        assertEquals(0, mem(h).read64(0x9000 + 100), "the 4096 bytes are zeroed");
        h.ecall(EXT_PMU, SNAPSHOT, -1L, -1L, 0);
        assertEquals(0, h.a(0));
        h.ecall(EXT_PMU, STOP, 5, 1, RiscvSbiPmu.STOP_TAKE_SNAPSHOT);
        assertEquals(-9, h.a(0));
        h.ecall(EXT_PMU, SNAPSHOT, 0x9000, 0, 0);
        h.ecall(EXT_PMU, SNAPSHOT, 0x10_0000L - 2048, 0, 0);
        assertEquals(-5, h.a(0), "half of the area is past the end of RAM");
        h.ecall(EXT_PMU, STOP, 5, 1, RiscvSbiPmu.STOP_TAKE_SNAPSHOT);
        assertEquals(-9, h.a(0), "the failed call left no area");
        h.ecall(EXT_PMU, SNAPSHOT, -1L, 0, 0);
        assertEquals(-5, h.a(0), "lo = -1 with hi = 0 is an address (not guest memory), not the disable value");
    }

    @Test
    @DisplayName("EVENT_GET_INFO (kvm_riscv_vcpu_pmu_event_info): flags, a base not 16-byte aligned, no entries: SBI_ERR_INVALID_PARAM; "
            + "hi != 0: SBI_ERR_INVALID_ADDRESS; unreadable: SBI_ERR_FAILURE; each entry's output = 1 when the event can be counted")
    void eventInfo() {
        Harness h = pmu();
        long at = 0x4000;
        long[] events = {3, 11, FW | 5, FW | 22, CACHE | 7 << 3};
        for (int i = 0; i < events.length; i++) {
            mem(h).write(at + 16L * i, 4, events[i]);
            mem(h).write(at + 16L * i + 4, 4, 0xEE);
        }
        h.ecall(EXT_PMU, EVENT_INFO, at, 0, events.length, 0);
        assertEquals(0, h.a(0));
        long[] output = {1, 0, 1, 0, 0};
        for (int i = 0; i < events.length; i++) {
            assertEquals(output[i], mem(h).read32(at + 16L * i + 4), "entry " + i);
            assertEquals(events[i], mem(h).read32(at + 16L * i), "event_idx kept");
        }
        h.ecall(EXT_PMU, EVENT_INFO, at, 0, 1, 1);
        assertEquals(-3, h.a(0), "flags");
        h.ecall(EXT_PMU, EVENT_INFO, at + 8, 0, 1, 0);
        assertEquals(-3, h.a(0), "not 16-byte aligned");
        h.ecall(EXT_PMU, EVENT_INFO, at, 0, 0, 0);
        assertEquals(-3, h.a(0), "no entries");
        h.ecall(EXT_PMU, EVENT_INFO, at, 1, 1, 0);
        assertEquals(-5, h.a(0), "hi != 0 on RV64");
        h.ecall(EXT_PMU, EVENT_INFO, 0x10_0000L - 16, 0, 2, 0);
        assertEquals(-1, h.a(0), "the second entry is past the end of RAM");
    }

    @Test
    @DisplayName("kvm_riscv_vcpu_pmu_reset (kvm_riscv_reset_vcpu): every counter released with counter_val = 0, firmware events "
            + "stopped and zeroed, no perf event left")
    void resetReleasesEverything() {
        Harness h = pmu();
        h.ecall(EXT_PMU, CFG, 0, ALL, RiscvSbiPmu.CFG_AUTO_START, FW | RiscvSbiPmu.FW_SET_TIMER, 0);
        h.ecall(EXT_TIME, 0, 1);
        h.ecall(EXT_PMU, CFG, 0, ALL, 0, 3, 0);
        h.ecall(EXT_PMU, START, 3, 1, RiscvSbiPmu.START_SET_INIT_VALUE, 77);
        h.riscv().resetVcpu(0, h.regs(0));
        h.ecall(EXT_PMU, READ, 5);
        assertEquals(-3, h.a(0), "firmware counter released");
        h.ecall(EXT_PMU, READ, 3);
        assertEquals(-3, h.a(0), "no perf event");
        h.ecall(EXT_PMU, CFG, 0, ALL, 0, 3, 0);
        assertEquals(3, h.a(1));
        h.ecall(EXT_PMU, READ, 3);
        assertEquals(0, h.a(1), "counter_val = 0");
        h.ecall(EXT_PMU, START, 3, 1, 0, 0);
        assertEquals(0, h.a(0), "not started any more");
        h.ecall(EXT_PMU, CFG, 0, ALL, 0, FW | RiscvSbiPmu.FW_SET_TIMER, 0);
        assertEquals(5, h.a(1));
        h.ecall(EXT_PMU, READ, 5);
        assertEquals(0, h.a(1), "the firmware event's value is zeroed");
        h.ecall(EXT_TIME, 0, 1);
        h.ecall(EXT_PMU, READ, 5);
        assertEquals(0, h.a(1), "and it is stopped");
    }

    @Test
    @DisplayName("kvm_pmu_validate_counter_mask checks ctr_base >= num_ctrs on its own (a base of -1 with mask 0b10 would wrap to "
            + "counter 0 in the second check) and an empty mask even at a base where __fls(0) would fit")
    void counterMaskWrapAndEmpty() {
        Harness h = pmu();
        h.ecall(EXT_PMU, START, -1L, 0b10, 0, 0);
        assertEquals(-3, h.a(0), "base -1");
        h.ecall(EXT_PMU, STOP, 5, 0, 0);
        assertEquals(-3, h.a(0), "mask 0 at base 5");
    }

    @Test
    @DisplayName("EVENT_GET_INFO's sizes (kvm_riscv_vcpu_pmu_event_info): only num_events * 16 past 2^64 is SBI_ERR_INVALID_PARAM "
            + "(check_mul_overflow); a count too large for any guest memory fails to be read: SBI_ERR_FAILURE")
    void eventInfoSizes() {
        Harness h = pmu();
        h.ecall(EXT_PMU, EVENT_INFO, 0x4000, 0, 1L << 28, 0);
        assertEquals(-1, h.a(0));
        h.ecall(EXT_PMU, EVENT_INFO, 0x4000, 0, (1L << 60) - 1, 0);
        assertEquals(-1, h.a(0), "2^64 - 16 bytes: no overflow");
        h.ecall(EXT_PMU, EVENT_INFO, 0x4000, 0, 1L << 60, 0);
        assertEquals(-3, h.a(0), "2^64 bytes overflow");
    }

    @Test
    @DisplayName("COUNTER_STOP with TAKE_SNAPSHOT records a counter only while no earlier counter of the call failed (!sbiret), and "
            + "with RESET clears the counter's bit i of the area's ctr_overflow_mask, which INIT_SNAPSHOT read from the guest")
    void stopSnapshotAfterAnErrorAndOverflowMask() {
        Harness h = pmu();
        h.ecall(EXT_PMU, SNAPSHOT, 0x8000, 0, 0);
        h.ecall(EXT_PMU, CFG, 0, ALL, 0, FW | RiscvSbiPmu.FW_SET_TIMER, 0);
        h.ecall(EXT_PMU, CFG, 0, ALL, 0, FW | RiscvSbiPmu.FW_IPI_SENT, 0);
        h.ecall(EXT_PMU, START, 6, 1, RiscvSbiPmu.START_SET_INIT_VALUE, 70);
        h.ecall(EXT_PMU, STOP, 5, 0b11, RiscvSbiPmu.STOP_TAKE_SNAPSHOT);
        assertEquals(-8, h.a(0), "counter 5 was never started");
        assertEquals(0, mem(h).read64(0x8000 + 16), "counter 6 is stopped but not recorded after the error");
        Harness m = pmu();
        m.ecall(EXT_PMU, SNAPSHOT, 0x8000, 0, 0);
        m.ecall(EXT_PMU, CFG, 0, ALL, 0, FW | RiscvSbiPmu.FW_SET_TIMER, 0);
        m.ecall(EXT_PMU, CFG, 0, ALL, 0, FW | RiscvSbiPmu.FW_IPI_SENT, 0);
        m.ecall(EXT_PMU, CFG, 0, ALL, 0, FW | RiscvSbiPmu.FW_IPI_RCVD, 0);
        mem(m).write(0x8000, 8, 0b111);
        m.ecall(EXT_PMU, START, 5, 0b111, RiscvSbiPmu.START_INIT_SNAPSHOT, 0);
        assertEquals(0, m.a(0));
        m.ecall(EXT_PMU, STOP, 5, 0b010, RiscvSbiPmu.STOP_TAKE_SNAPSHOT | RiscvSbiPmu.STOP_RESET);
        assertEquals(0, m.a(0));
        assertEquals(0b101, mem(m).read64(0x8000), "bit 1 cleared, the others as the guest left them");
    }

    @Test
    @DisplayName("COUNTER_START with INIT_SNAPSHOT reads ctr_values[i] at 8 + 8 * i for mask bit i (bit 2: offset 24)")
    void startFromTheSnapshotThirdBit() {
        Harness h = pmu();
        h.ecall(EXT_PMU, SNAPSHOT, 0x8000, 0, 0);
        h.ecall(EXT_PMU, CFG, 0, ALL, 0, FW | RiscvSbiPmu.FW_SET_TIMER, 0);
        h.ecall(EXT_PMU, CFG, 0, ALL, 0, FW | RiscvSbiPmu.FW_IPI_SENT, 0);
        h.ecall(EXT_PMU, CFG, 0, ALL, 0, FW | RiscvSbiPmu.FW_IPI_RCVD, 0);
        mem(h).write(0x8000 + 12, 8, 0x1212);
        mem(h).write(0x8000 + 24, 8, 0x2424);
        h.ecall(EXT_PMU, START, 5, 0b100, RiscvSbiPmu.START_INIT_SNAPSHOT, 0);
        h.ecall(EXT_PMU, READ, 7);
        assertEquals(0x2424, h.a(1));
    }

    @Test
    @DisplayName("SNAPSHOT_SET_SHMEM: lo with hi = -1 is no disable but an address above 4 GiB (SBI_ERR_INVALID_ADDRESS); a new area "
            + "is written from a zeroed sdata (kzalloc), not from what an earlier INIT_SNAPSHOT read")
    void snapshotAreaIsFresh() {
        Harness h = pmu();
        h.ecall(EXT_PMU, SNAPSHOT, 0x8000, -1L, 0);
        assertEquals(-5, h.a(0));
        h.ecall(EXT_PMU, SNAPSHOT, 0x8000, 0, 0);
        h.ecall(EXT_PMU, CFG, 0, ALL, 0, FW | RiscvSbiPmu.FW_SET_TIMER, 0);
        mem(h).write(0x8000 + 8, 8, 77);
        h.ecall(EXT_PMU, START, 5, 1, RiscvSbiPmu.START_INIT_SNAPSHOT, 0);
        mem(h).write(0xA000 + 8, 8, 0x55);
        h.ecall(EXT_PMU, SNAPSHOT, 0xA000, 0, 0);
        assertEquals(0, h.a(0));
        assertEquals(0, mem(h).read64(0xA000 + 8));
    }
}
