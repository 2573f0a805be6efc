package dev.hcsim.arch.arm64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.EffectLog;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.VmConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Where each arm64 answer lands, for the faults issue 25's mutation run found unguarded: a value computed right but
 * put in the wrong register, or a boundary off by one, passed every earlier test.
 */
class Arm64ResultPlacementTest {
    private static final long NS = -1L;       // SMCCC_RET_NOT_SUPPORTED / PSCI_RET_NOT_SUPPORTED
    private static final long INVALID = -2L;  // PSCI_RET_INVALID_PARAMS / TRNG_INVALID_PARAMETER
    private static final long M32 = 0xFFFF_FFFFL;

    private static void assertResults(Harness h, long... x) {
        h.assertResults(0, x);
    }

    // ---------------------------------------------------------------- KVM_PTP

    /** A PTP call at virtual time {@code now}, through the public trap entry with an EffectLog as the clock. */
    private static long[] ptpAt(VmConfig config, long now, long counter) {
        Harness h = new Harness(config);
        h.m.load(Harness.AT, h.vm.assemble("hvc #0", Harness.AT).bytes());
        RegisterFile r = h.regs(0);
        r.pc(Harness.AT);
        r.set(0, 0x86000001L);
        r.set(1, counter);
        EffectLog clock = new EffectLog(1);
        clock.now(now);
        h.vm.trap(0, r, h.m.memory(), clock);
        return new long[] {r.get(0), r.get(1), r.get(2), r.get(3)};
    }

    @ParameterizedTest(name = "x1 = {0}")
    @ValueSource(longs = {0, 1})
    @DisplayName("hypercalls.c kvm_ptp_get_time: 5 s into the VM, x0:x1 = realtime (epoch + 5 s) and x2:x3 = the counter, each as 32-bit halves")
    void ptpAtNonZeroTime(long counter) {
        long epoch = 1_700_000_000_123_456_789L;
        long now = 5_000_000_007L;
        // a 1 GHz counter so that 5 s of it (5 000 000 007 cycles = 0x1_2A05_F207) needs both halves
        VmConfig c = VmConfig.builder("arm64").tscHz(1_000_000_000L).realtimeEpochNanos(epoch).build();
        long[] x = ptpAt(c, now, counter);
        long real = epoch + now;
        assertEquals(real >>> 32, x[0], "x0 = upper_32_bits(systime_snapshot.real)");
        assertEquals(real & M32, x[1], "x1 = lower_32_bits(systime_snapshot.real)");
        assertEquals(1L, x[2], "x2 = upper_32_bits(cycles)");
        assertEquals(0x2A05_F207L, x[3], "x3 = lower_32_bits(cycles)");
    }

    @Test
    @DisplayName("hypercalls.c kvm_ptp_get_time: the counter scales with the VM's counter frequency (62.5 MHz: 3 s = 187 500 000 cycles)")
    void ptpCounterFrequency() {
        VmConfig c = VmConfig.builder("arm64").tscHz(62_500_000L).build();
        long[] x = ptpAt(c, 3_000_000_000L, 0);
        assertEquals(0, x[2]);
        assertEquals(187_500_000L, x[3]);
        long[] later = ptpAt(c, 3_000_000_016L, 0); // 16 ns later: one more tick of a 62.5 MHz counter
        assertEquals(187_500_001L, later[3]);
    }

    // ---------------------------------------------------------------- TRNG

    private static long[] rnd(long fn, long seed, long n) {
        Harness h = new Harness(VmConfig.builder("arm64").seed(seed).build());
        h.hvc(fn, n, 0x1111, 0x2222, 0x3333);
        return new long[] {h.x(0), h.x(1), h.x(2), h.x(3)};
    }

    @Test
    @DisplayName("trng.c kvm_trng_do_rnd: TRNG_RND32 puts bits[0] in x3 (low word) and x2 (high word), bits[1]'s low word in x1, as RND64 puts them in x3 and x2")
    void rnd32Placement() {
        for (long seed = 1; seed <= 8; seed++) {
            long[] w = rnd(0x84000053L, seed, 96);
            long[] d = rnd(0xC4000053L, seed, 192); // the same draws: bits[0], bits[1], bits[2]
            assertEquals(0, w[0], "TRNG_SUCCESS");
            assertEquals(d[3] & M32, w[3], "x3 = lower_32_bits(bits[0])");
            assertEquals(d[3] >>> 32, w[2], "x2 = upper_32_bits(bits[0])");
            assertEquals(d[2] & M32, w[1], "x1 = lower_32_bits(bits[1])");
        }
    }

    @Test
    @DisplayName("trng.c kvm_trng_do_rnd: TRNG_RND32 with N bits fills x3 first, then x2, then x1; bits at and above N are zero")
    void rnd32Fill() {
        boolean topSeen32 = false;
        boolean topSeen96 = false;
        for (long seed = 1; seed <= 16; seed++) {
            long[] n32 = rnd(0x84000053L, seed, 32);
            assertEquals(0, n32[1]);
            assertEquals(0, n32[2]);
            assertEquals(0, n32[3] >>> 32);
            topSeen32 |= (n32[3] >>> 31) != 0;
            long[] n40 = rnd(0x84000053L, seed, 40);
            assertEquals(0, n40[1]);
            assertEquals(0, n40[2] >>> 8, "x2 holds bits 32..39 only");
            long[] n96 = rnd(0x84000053L, seed, 96);
            for (int i = 1; i <= 3; i++) {
                assertEquals(0, n96[i] >>> 32, "RND32 results are 32-bit: x" + i);
            }
            topSeen96 |= (n96[1] >>> 31) != 0;
        }
        assertTrue(topSeen32 && topSeen96, "bit N-1 is random, not cleared (set in some of 16 draws)");
    }

    @Test
    @DisplayName("trng.c kvm_trng_do_rnd: N = 96 is the TRNG_RND32 limit (3 * 32): 96 succeeds, 97 is TRNG_INVALID_PARAMETER with x1..x3 = 0")
    void rnd32Boundary() {
        assertEquals(0, rnd(0x84000053L, 3, 96)[0]);
        long[] over = rnd(0x84000053L, 3, 97);
        assertEquals(INVALID, over[0]);
        assertEquals(0, over[1] | over[2] | over[3]);
        assertEquals(0, rnd(0xC4000053L, 3, 192)[0]);
        assertEquals(INVALID, rnd(0xC4000053L, 3, 193)[0]);
    }

    // ---------------------------------------------------------------- PSCI_FEATURES

    @ParameterizedTest(name = "0x{0}")
    @ValueSource(strings = {"84000000", "84000001", "c4000001", "84000002", "84000003", "c4000003", "84000004", "c4000004", "84000006",
        "84000008", "84000009", "8400000a", "80000000"})
    @DisplayName("psci.c kvm_psci_1_x_call PSCI_FEATURES: 0 for each function KVM always implements")
    void featuresImplemented(String fn) {
        Harness h = Harness.of(1, "psci", "1.0");
        h.hvc(0x8400000AL, Long.parseLong(fn, 16));
        assertResults(h, 0);
    }

    @ParameterizedTest(name = "0x{0}")
    @ValueSource(strings = {"84000005", "c4000005", "84000007", "c4000007", "8400000b", "8400000c", "c400000c", "8400000d", "8400000f",
        "84000010", "84000011", "84000013", "84000014", "80008000", "86000000"})
    @DisplayName("psci.c kvm_psci_1_x_call PSCI_FEATURES: -1 for each function KVM does not implement (MIGRATE, CPU_FREEZE, STAT_*, MEM_PROTECT, non-PSCI)")
    void featuresNotImplemented(String fn) {
        Harness h = Harness.of(1);
        h.hvc(0x8400000AL, Long.parseLong(fn, 16));
        assertResults(h, NS);
    }

    @ParameterizedTest(name = "0x{0}: {2} in PSCI {1}, {4} in {3}")
    @CsvSource({"84000012, 1.0, -1, 1.1, 0", "c4000012, 1.0, -1, 1.1, 0", "84000015, 1.2, -1, 1.3, 1", "c4000015, 1.2, -1, 1.3, 1"})
    @DisplayName("psci.c kvm_psci_1_x_call PSCI_FEATURES: SYSTEM_RESET2 is -1 in 1.0 and 0 from 1.1 (minor >= 1); SYSTEM_OFF2 -1 in 1.2 and 1 (HIBERNATE_OFF) from 1.3")
    void featuresVersionBoundary(String fn, String below, long belowAnswer, String from, long fromAnswer) {
        Harness old = Harness.of(1, "psci", below);
        old.hvc(0x8400000AL, Long.parseLong(fn, 16));
        assertResults(old, belowAnswer);
        Harness now = Harness.of(1, "psci", from);
        now.hvc(0x8400000AL, Long.parseLong(fn, 16));
        assertResults(now, fromAnswer);
    }

    @Test
    @DisplayName("psci.c kvm_psci_check_allowed_function: PSCI_FEATURES from an AArch32 vCPU is -1 for a 64-bit function, 0 for its 32-bit twin")
    void featuresFromAArch32() {
        Harness h = Harness.of(1, "mode", "aarch32");
        byte[] hvc = new byte[4];
        dev.hcsim.core.Bytes.put(hvc, 0, 4, 0xE1400070L, false); // A32 hvc #0 (objdump -m arm)
        h.trapBytes(0, hvc, 0x8400000AL, 0xC4000003L);
        assertEquals(M32, h.x(0), "-1 in a 32-bit register: CPU_ON64 is not for an AArch32 caller");
        h.trapBytes(0, hvc, 0x8400000AL, 0x84000003L);
        assertEquals(0, h.x(0), "CPU_ON (32-bit) is");
    }

    @Test
    @DisplayName("trng.c kvm_trng_call answers in the TRNG family: TRNG_FEATURES of an unknown ID is TRNG_NOT_SUPPORTED, not the SMCCC name")
    void trngFeaturesStatusFamily() {
        Harness h = Harness.of(1);
        TrapResult r = h.hvc(0x84000051L, 0x84000059L);
        assertResults(h, NS);
        assertEquals("TRNG_NOT_SUPPORTED", r.statusName());
    }

    // ---------------------------------------------------------------- AFFINITY_INFO

    /** 18 vCPUs: vCPU 16 is MPIDR 0x100 (off), vCPU 17 is 0x101 (on), the caller vCPU 0 is 0x0 (on). */
    private static Harness affinityVm() {
        Harness h = Harness.of(18);
        for (int i = 1; i < 17; i++) {
            h.state(i, VcpuState.OFF);
        }
        return h;
    }

    @Test
    @DisplayName("psci.c kvm_psci_vcpu_affinity_info: level 0 asks one vCPU (0x100 off: 1, 0x101 on: 0)")
    void affinityLevel0() {
        Harness h = affinityVm();
        h.hvc(0xC4000004L, 0x100, 0);
        assertResults(h, 1);
        h.hvc(0xC4000004L, 0x101, 0);
        assertResults(h, 0);
    }

    @Test
    @DisplayName("psci.c psci_affinity_mask: level 1 ignores Aff0 (0x100 asks 0x100 and 0x101: on), a cluster with no vCPU is INVALID_PARAMS")
    void affinityLevel1() {
        Harness h = affinityVm();
        h.hvc(0xC4000004L, 0x100, 1);
        assertResults(h, 0);
        h.hvc(0xC4000004L, 0x300, 1);
        assertResults(h, INVALID);
    }

    @Test
    @DisplayName("psci.c psci_affinity_mask: level 2 ignores Aff1 too (0x300 matches every vCPU of Aff2 0: on); level 3 compares Aff3 only; level 4 is INVALID_PARAMS")
    void affinityLevels2To4() {
        Harness h = affinityVm();
        h.hvc(0xC4000004L, 0x300, 2);
        assertResults(h, 0);
        h.hvc(0xC4000004L, 0x1_0000_0000L, 3);
        assertResults(h, INVALID); // no vCPU has Aff3 = 1
        h.hvc(0xC4000004L, 0x10000, 3);
        assertResults(h, 0); // Aff2 ignored at level 3
        h.hvc(0xC4000004L, 0, 4);
        assertResults(h, INVALID);
    }

    @Test
    @DisplayName("psci.c kvm_psci_0_2_call: AFFINITY_INFO (32-bit) narrows x1..x3 first (kvm_psci_narrow_to_32bit), so upper garbage in x1 and x2 is ignored; the 64-bit form rejects it")
    void affinity32BitForm() {
        Harness h = affinityVm();
        TrapResult r = h.hvc(0x84000004L, 0xDEAD_BEEF_0000_0101L, 0xFFFF_FFFF_0000_0000L, 0x7777_0000_0000_0001L);
        assertResults(h, 0, 0, 0, 0); // ON; smccc_set_retval(vcpu, val, 0, 0, 0) clears x1..x3
        assertEquals(Harness.AT + 4, r.nextPc());
        Harness w = affinityVm();
        w.hvc(0xC4000004L, 0xDEAD_BEEF_0000_0101L, 0);
        assertResults(w, INVALID); // kvm_psci_valid_affinity: bits outside MPIDR_HWID_BITMASK
    }

    // ---------------------------------------------------------------- ARCH_WORKAROUND over SMC

    @ParameterizedTest(name = "0x{0}")
    @ValueSource(strings = {"80008000", "80007fff", "80003fff"})
    @DisplayName("hypercalls.c kvm_smccc_call_handler: ARCH_WORKAROUND_1/2/3 over SMC reach the C handler (no EL2 fast path): -1, x1..x3 = 0")
    void workaroundsOverSmc(String fn) {
        Harness h = Harness.of(1, "conduit", "smc");
        h.trap(0, "smc #0", Long.parseLong(fn, 16), 5, 6, 7);
        assertResults(h, NS, 0, 0, 0);
        assertEquals(Harness.AT + 4, h.regs(0).pc());
    }
}
