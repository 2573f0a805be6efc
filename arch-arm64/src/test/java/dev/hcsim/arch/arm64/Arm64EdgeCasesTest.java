package dev.hcsim.arch.arm64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.Status;
import dev.hcsim.core.SystemEventType;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.SingleCall;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The conformance edge cases of the arm64 fact sheet (section 6), each with the kernel source it checks. */
class Arm64EdgeCasesTest {
    private static final long NS = -1L; // SMCCC_RET_NOT_SUPPORTED as a 64-bit register value

    private static void assertResults(Harness h, long... x) {
        h.assertResults(0, x);
    }

    @Test
    @DisplayName("#1 arch/arm64/kvm/hypercalls.c: HVC #0 SMCCC_VERSION gives x0 = 0x10001, x1..x3 zeroed, PC + 4")
    void smcccVersion() {
        Harness h = Harness.of(1);
        TrapResult r = h.hvc(0x80000000L, 7, 8, 9);
        assertResults(h, 0x10001, 0, 0, 0);
        assertEquals(Harness.AT + 4, h.regs(0).pc());
        assertEquals("ARM_SMCCC_VERSION", r.callName());
        assertEquals(Outcome.RESUME, r.outcome());
    }

    @Test
    @DisplayName("#2 include/kvm/arm_hypercalls.h smccc_get_function: bits 63:32 of x0 are ignored")
    void upperHalfIgnored() {
        Harness h = Harness.of(1);
        h.hvc(0xFFFFFFFF_80000000L);
        assertResults(h, 0x10001, 0, 0, 0);
    }

    @Test
    @DisplayName("#3 handle_exit.c handle_hvc: the HVC immediate is ignored (hvc #0x1234 = hvc #0)")
    void hvcImmediateIgnored() {
        Harness h = Harness.of(1);
        h.trap(0, "hvc #0x1234", 0x80000000L);
        assertResults(h, 0x10001, 0, 0, 0);
    }

    @Test
    @DisplayName("#4 handle_exit.c handle_smc: SMC #1 gives PC + 4 and x0 = -1, x1 untouched, nothing dispatched")
    void smcNonZeroImmediate() {
        Harness h = Harness.of(1);
        TrapResult r = h.trap(0, "smc #1", 0x80000000L, 7, 8, 9);
        assertResults(h, NS, 7, 8, 9);
        assertEquals(Harness.AT + 4, h.regs(0).pc());
        assertEquals(Harness.AT + 4, r.nextPc());
        assertEquals(null, r.status());
    }

    @Test
    @DisplayName("handle_smc: SMC #0 is dispatched like HVC, and the PC still moves past the SMC (kvm_incr_pc)")
    void smcZeroDispatches() {
        Harness h = Harness.of(1);
        h.trap(0, "smc #0", 0x8600FF01L);
        assertResults(h, 0xB66FB428L, 0xE911C52EL, 0x564BCAA9L, 0x743A004DL);
        assertEquals(Harness.AT + 4, h.regs(0).pc());
    }

    @Test
    @DisplayName("#5 hypercalls.c: ARCH_FEATURES(SMCCC_VERSION) = -1, ARCH_FEATURES itself -1")
    void archFeaturesDoesNotListVersion() {
        Harness h = Harness.of(1);
        h.hvc(0x80000001L, 0x80000000L);
        assertResults(h, NS, 0, 0, 0);
        h.hvc(0x80000001L, 0x80000001L);
        assertResults(h, NS);
    }

    @Test
    @DisplayName("#6 hypercalls.c, selftest hypercalls.c: ARCH_FEATURES(PV_TIME_FEATURES) = 0; -1 once STD_HYP_BMAP bit 0 is cleared")
    void archFeaturesPvTime() {
        Harness h = Harness.of(1);
        h.hvc(0x80000001L, 0xC5000020L);
        assertResults(h, 0);
        Harness off = Harness.of(1);
        assertEquals(0, off.arm().firmware().set(Arm64FirmwareRegisters.REG_STD_HYP_BMAP, 0));
        off.hvc(0x80000001L, 0xC5000020L);
        assertResults(off, NS);
        off.hvc(0xC5000020L, 0xC5000021L);
        assertResults(off, NS);
    }

    @Test
    @DisplayName("#7 selftest hypercalls.c (false info): ARCH_FEATURES(TRNG_RND64) = -1")
    void archFeaturesTrng() {
        Harness h = Harness.of(1);
        h.hvc(0x80000001L, 0xC4000053L);
        assertResults(h, NS);
    }

    @Test
    @DisplayName("#8 trng.c kvm_trng_call: TRNG_FEATURES(PTP) = -1, TRNG_FEATURES(TRNG_RND64) = 0")
    void trngFeatures() {
        Harness h = Harness.of(1);
        h.hvc(0x84000051L, 0x86000001L);
        assertResults(h, NS);
        h.hvc(0x84000051L, 0xC4000053L);
        assertResults(h, 0);
    }

    @Test
    @DisplayName("#9 pvtime.c kvm_hypercall_pv_features: PV_TIME_FEATURES(TRNG_RND32) = -1")
    void pvTimeFeaturesOther() {
        Harness h = Harness.of(1, "pvtime-ipa", "0x8000");
        h.hvc(0xC5000020L, 0x84000053L);
        assertResults(h, NS);
        h.hvc(0xC5000020L, 0xC5000021L);
        assertResults(h, 0);
    }

    @Test
    @DisplayName("#10 pvtime.c kvm_init_stolen_time: PV_TIME_ST without an IPA = -1 (and PV_TIME_FEATURES too)")
    void pvTimeStUnset() {
        Harness h = Harness.of(1);
        h.hvc(0xC5000021L);
        assertResults(h, NS, 0, 0, 0);
        h.hvc(0xC5000020L, 0xC5000021L);
        assertResults(h, NS);
    }

    @Test
    @DisplayName("#11 pvtime.c kvm_init_stolen_time: PV_TIME_ST returns the IPA and zeroes the 64-byte record")
    void pvTimeSt() {
        VmConfig c = VmConfig.builder("arm64").memory(0, 0x10000).memory(0x40000000L, 0x1000).build();
        Harness h = new Harness(c);
        assertEquals(0, h.arm().pvTime().setPvtimeIpa(0, 0x40000000L));
        byte[] junk = new byte[64];
        java.util.Arrays.fill(junk, (byte) 0x5A);
        h.m.load(0x40000000L, junk);
        h.hvc(0xC5000021L);
        assertResults(h, 0x40000000L, 0, 0, 0);
        byte[] after = new byte[64];
        h.m.memory().read(0x40000000L, after, 0, 64);
        assertArrayEquals(new byte[64], after);
    }

    @Test
    @DisplayName("#12 pvtime.c kvm_arm_pvtime_set_attr, selftest steal_time.c: unaligned IPA -EINVAL, twice -EEXIST, outside memory -EINVAL")
    void pvTimeAttrErrors() {
        Harness h = Harness.of(2);
        assertEquals(-Arm64Vm.EINVAL, h.arm().pvTime().setPvtimeIpa(0, 0x4001));
        assertEquals(0, h.arm().pvTime().setPvtimeIpa(0, 0x4000));
        assertEquals(-Arm64Vm.EEXIST, h.arm().pvTime().setPvtimeIpa(0, 0x4040));
        assertEquals(-Arm64Vm.EINVAL, h.arm().pvTime().setPvtimeIpa(1, 0x40000000L));
        assertEquals(0x4000, h.arm().pvTime().pvtimeIpa(0));
        assertEquals(-1L, h.arm().pvTime().pvtimeIpa(1));
    }

    @Test
    @DisplayName("#13 selftest kvm-uuid.c: CALL_UID gives B66FB428 E911C52E 564BCAA9 743A004D")
    void callUid() {
        SingleCall.Result r = SingleCall.run(VmConfig.builder("arm64").build(), 0, null, Map.of("x0", 0x8600FF01L), Map.of());
        assertEquals(Map.of("x0", 0xB66FB428L, "x1", 0xE911C52EL, "x2", 0x564BCAA9L, "x3", 0x743A004DL, "pc", 0x1004L), r.changed());
        assertEquals("hvc #0x0", r.text());
    }

    @Test
    @DisplayName("#14 hypercalls.c: KVM_FEATURES with the default bitmaps gives x0 = 0x3, x1..x3 = 0")
    void kvmFeatures() {
        Harness h = Harness.of(1);
        h.hvc(0x86000000L, 5, 6, 7);
        assertResults(h, 0x3, 0, 0, 0);
    }

    @Test
    @DisplayName("#15 hypercalls.c kvm_smccc_test_fw_bmap: VENDOR_HYP_BMAP = 0 makes CALL_UID and KVM_FEATURES -1")
    void vendorBitmapCleared() {
        Harness h = Harness.of(1);
        assertEquals(0, h.arm().firmware().set(Arm64FirmwareRegisters.REG_VENDOR_HYP_BMAP, 0));
        h.hvc(0x8600FF01L);
        assertResults(h, NS, 0, 0, 0);
        h.hvc(0x86000000L);
        assertResults(h, NS);
    }

    @Test
    @DisplayName("#16 psci.c kvm_psci_1_x_call: PSCI_VERSION = 0x10003 by default (KVM_ARM_PSCI_LATEST, 6.13+), 0x2 and 0x10000 when chosen")
    void psciVersion() {
        Harness h = Harness.of(1);
        h.hvc(0x84000000L);
        assertResults(h, 0x10003, 0, 0, 0);
        Harness v02 = Harness.of(1, "psci", "0.2");
        v02.hvc(0x84000000L);
        assertResults(v02, 2);
        Harness v10 = Harness.of(1, "psci", "1.0");
        v10.hvc(0x84000000L);
        assertResults(v10, 0x10000);
    }

    @Test
    @DisplayName("#17 psci.c kvm_psci_vcpu_on, selftest psci_test.c: CPU_ON starts a stopped vCPU at x2 with x0 = x3")
    void cpuOn() {
        Harness h = Harness.of(2).state(1, VcpuState.OFF);
        h.regs(1).set(5, 0x1234);
        TrapResult r = h.hvc(0xC4000003L, 1, 0x8000, 0xC0FFEE);
        assertResults(h, 0, 0, 0, 0);
        assertEquals(Status.SUCCESS, r.status());
        assertEquals(VcpuState.RUNNABLE, h.m.stateOf(1));
        assertEquals(0x8000, h.regs(1).pc());
        assertEquals(0xC0FFEE, h.regs(1).get(0));
        assertEquals(0, h.regs(1).get(5), "kvm_reset_vcpu zeroes the other registers");
        assertEquals(0x80000001L, h.regs(1).get(Arm64Registers.MPIDR));
    }

    @Test
    @DisplayName("#18 psci.c kvm_psci_vcpu_on: a running target gives ALREADY_ON (-4); under PSCI 0.1 (KVM_PSCI_FN_CPU_ON) -2")
    void cpuOnAlreadyOn() {
        Harness h = Harness.of(2);
        h.hvc(0xC4000003L, 1, 0x8000, 0);
        assertResults(h, -4, 0, 0, 0);
        h.hvc(0xC4000003L, 0, 0x8000, 0);
        assertResults(h, -4);
        Harness legacy = Harness.of(2, "psci", "0.1");
        legacy.hvc(0x95C1BA60L, 1, 0x8000, 0);
        assertResults(legacy, -2);
    }

    @Test
    @DisplayName("#19 psci.c kvm_psci_valid_affinity: CPU_ON with bit 31 (outside MPIDR_HWID_BITMASK) or an absent MPIDR gives -2")
    void cpuOnBadAffinity() {
        Harness h = Harness.of(2).state(1, VcpuState.OFF);
        h.hvc(0xC4000003L, 0x80000000L, 0x8000, 0);
        assertResults(h, -2);
        h.hvc(0xC4000003L, 0x100, 0x8000, 0);
        assertResults(h, -2);
        assertEquals(VcpuState.OFF, h.m.stateOf(1));
    }

    @Test
    @DisplayName("#20 psci.c kvm_psci_vcpu_affinity_info: level 4 gives -2; levels 0..3 answer ON 0 / OFF 1")
    void affinityInfo() {
        Harness h = Harness.of(3).state(1, VcpuState.OFF);
        h.hvc(0xC4000004L, 1, 4);
        assertResults(h, -2);
        h.hvc(0xC4000004L, 1, 0);
        assertResults(h, 1);
        h.hvc(0xC4000004L, 2, 0);
        assertResults(h, 0);
        h.hvc(0xC4000004L, 1, 1); // the whole Aff0 cluster: vCPU 0 is on
        assertResults(h, 0);
        h.hvc(0xC4000004L, 3, 0); // no such vCPU
        assertResults(h, -2);
    }

    @Test
    @DisplayName("#21 selftest psci_test.c, psci.c kvm_psci_1_x_call: SYSTEM_OFF2 (1,1) gives -2; (1,0) and (0,0) shut down with PSCI_OFF2")
    void systemOff2() {
        Harness h = Harness.of(2);
        TrapResult r = h.hvc(0xC4000015L, 1, 1, 9);
        assertResults(h, -2, 0, 0, 0);
        assertEquals(Outcome.RESUME, r.outcome());
        for (long type : new long[] {1, 0}) {
            Harness g = Harness.of(2);
            TrapResult e = g.hvc(0xC4000015L, type, 0, 9);
            assertEquals(Outcome.EXIT_TO_HOST, e.outcome());
            // KVM_SYSTEM_EVENT_SHUTDOWN, ndata 1, data[0] = KVM_SYSTEM_EVENT_SHUTDOWN_FLAG_PSCI_OFF2
            assertEquals(new Exit.SystemEvent(SystemEventType.SHUTDOWN, Exit.SystemEvent.SHUTDOWN_FLAG_PSCI_OFF2), e.exit());
            assertResults(g, -6, 0, 0, 0); // at the exit: val = INTERNAL_FAILURE through smccc_set_retval
            assertEquals(Harness.AT + 4, g.regs(0).pc(), "at the exit the PC is past the HVC");
            assertEquals(VcpuState.OFF, g.m.stateOf(1), "every vCPU is powered off");
            g.vm.completeExit(0, g.regs(0), g.m.memory(), 0);
            assertResults(g, -6, 0, 0, 0); // the next KVM_RUN writes nothing more
            assertEquals(Harness.AT + 4, g.regs(0).pc());
        }
        Harness old = Harness.of(1, "psci", "1.2");
        old.hvc(0xC4000015L, 0, 0);
        assertResults(old, NS);
    }

    @Test
    @DisplayName("#22 psci.c, selftest psci_test.c: PSCI_FEATURES(SYSTEM_OFF2 64) = 1 (HIBERNATE_OFF) under 1.3, -1 under 1.2")
    void psciFeaturesOff2() {
        Harness h = Harness.of(1);
        h.hvc(0x8400000AL, 0xC4000015L);
        assertResults(h, 1);
        Harness old = Harness.of(1, "psci", "1.2");
        old.hvc(0x8400000AL, 0xC4000015L);
        assertResults(old, NS);
        old.hvc(0x8400000AL, 0xC4000012L);
        assertResults(old, 0);
    }

    @Test
    @DisplayName("#23 psci.c: without KVM_CAP_ARM_SYSTEM_SUSPEND, SYSTEM_SUSPEND and PSCI_FEATURES(SYSTEM_SUSPEND) give -1; with it 0 and an exit")
    void systemSuspend() {
        Harness h = Harness.of(1);
        h.hvc(0x8400000EL, 0x8000, 1);
        assertResults(h, NS, 0, 0, 0);
        h.hvc(0x8400000AL, 0x8400000EL);
        assertResults(h, NS);
        Harness on = new Harness(VmConfig.builder("arm64").vcpus(2).feature("system-suspend", true).build());
        on.hvc(0x8400000AL, 0xC400000EL);
        assertResults(on, 0);
        TrapResult r = on.hvc(0xC400000EL, 0x8000, 0x77, 0x99);
        assertEquals(Outcome.EXIT_TO_HOST, r.outcome());
        assertEquals(new Exit.SystemEvent(SystemEventType.SUSPEND, 0L), r.exit()); // kvm_prepare_system_event(vcpu, SUSPEND, 0)
        assertResults(on, 0xC400000EL, 0x8000, 0x77, 0x99); // registers untouched
        assertNotEquals(VcpuState.OFF, on.m.stateOf(1), "suspend stops nobody");
        on.vm.completeExit(0, on.regs(0), on.m.memory(), 0);
        assertResults(on, 0, 0x8000, 0x77, 0x99); // the VMM's answer in x0
    }

    @Test
    @DisplayName("psci.c kvm_psci_narrow_to_32bit: SMC32 SYSTEM_SUSPEND's x1..x3 are zero-extended (applied when the host re-enters)")
    void systemSuspendNarrows() {
        Harness on = new Harness(VmConfig.builder("arm64").feature("system-suspend", true).build());
        on.hvc(0x8400000EL, 0xFFFF0000_00008000L, 0x1_00000077L, 0xAAAA0000_00000099L);
        assertResults(on, 0x8400000EL, 0x8000, 0x77, 0x99); // narrowed in place before the exit
        on.vm.completeExit(0, on.regs(0), on.m.memory(), 0);
        assertResults(on, 0, 0x8000, 0x77, 0x99);
    }

    @Test
    @DisplayName("#24 psci.c kvm_psci_1_x_call: SYSTEM_RESET2 type 1 gives -2; type 0 resets with PSCI_RESET2 and writes only x0 = -6")
    void systemReset2() {
        Harness h = Harness.of(1);
        h.hvc(0x84000012L, 1, 5, 6);
        assertResults(h, -2, 0, 0, 0);
        Harness g = Harness.of(2);
        TrapResult r = g.hvc(0xC4000012L, 0, 5, 6);
        assertEquals(Outcome.EXIT_TO_HOST, r.outcome());
        assertEquals(new Exit.SystemEvent(SystemEventType.RESET, Exit.SystemEvent.RESET_FLAG_PSCI_RESET2), r.exit());
        assertResults(g, -6, 0, 5, 6); // at the exit: vcpu_set_reg(vcpu, 0, PSCI_RET_INTERNAL_FAILURE) only
        assertEquals(VcpuState.OFF, g.m.stateOf(1));
        g.vm.completeExit(0, g.regs(0), g.m.memory(), 0);
        assertResults(g, -6, 0, 5, 6);
        Harness vendor = Harness.of(1);
        assertEquals(Outcome.EXIT_TO_HOST, vendor.hvc(0xC4000012L, 0x80000001L, 5, 6).outcome());
        Harness narrow = Harness.of(1);
        narrow.hvc(0x84000012L, 0xFFFFFFFF_00000000L, 0x7_00000005L, 6);
        narrow.vm.completeExit(0, narrow.regs(0), narrow.m.memory(), 0);
        assertResults(narrow, -6, 0, 5, 6); // SMC32: type 0 after kvm_psci_narrow_to_32bit, x1..x3 narrowed in place
    }

    @Test
    @DisplayName("psci.c kvm_psci_0_2_call: SYSTEM_OFF and SYSTEM_RESET power every vCPU off and exit with x0 = -6, x1..x3 = 0 and the PC past the HVC already; re-entry writes nothing more")
    void systemOffAndReset() {
        for (long fn : new long[] {0x84000008L, 0x84000009L}) {
            Harness h = Harness.of(3);
            TrapResult r = h.hvc(fn, 1, 2, 3);
            assertEquals(Outcome.EXIT_TO_HOST, r.outcome());
            assertEquals(new Exit.SystemEvent(fn == 0x84000008L ? SystemEventType.SHUTDOWN : SystemEventType.RESET, 0L), r.exit());
            // KVM's state at the exit (kvm_psci_system_off, kvm_psci_call's smccc_set_retval, handle_hvc's PC)
            assertResults(h, -6, 0, 0, 0);
            assertEquals(0xFFFF_FFFF_FFFF_FFFAL, h.x(0));
            assertEquals(Harness.AT + 4, h.regs(0).pc());
            for (int v = 0; v < 3; v++) {
                assertEquals(VcpuState.OFF, h.m.stateOf(v));
            }
            assertEquals(Harness.AT + 4, r.nextPc());
            h.vm.completeExit(0, h.regs(0), h.m.memory(), 0);
            assertResults(h, -6, 0, 0, 0);
            assertEquals(Harness.AT + 4, h.regs(0).pc());
        }
    }

    @Test
    @DisplayName("#25 trng.c kvm_trng_do_rnd: TRNG_RND32 with N = 97 gives -2 (TRNG_INVALID_PARAMETER, not SMCCC's -3)")
    void trngTooMany() {
        Harness h = Harness.of(1);
        TrapResult r = h.hvc(0x84000053L, 97);
        assertResults(h, -2, 0, 0, 0);
        assertEquals("TRNG_INVALID_PARAMETER", r.statusName());
        h.hvc(0xC4000053L, 193);
        assertResults(h, -2);
    }

    @Test
    @DisplayName("trng.c kvm_trng_do_rnd: N bits right-aligned in x1..x3, bits at and above N zero; N = 0 succeeds with zeros")
    void trngBits() {
        Harness h = Harness.of(1);
        h.hvc(0x84000053L, 40);
        assertEquals(0, h.x(0));
        assertEquals(0, h.x(1));
        assertEquals(0, h.x(2) >>> 8); // bits 39:32
        assertEquals(0, h.x(3) >>> 32);
        h.hvc(0xC4000053L, 130);
        assertEquals(0, h.x(0));
        assertEquals(0, h.x(1) >>> 2);
        h.hvc(0xC4000053L, 0);
        assertResults(h, 0, 0, 0, 0);
        h.hvc(0x84000052L);
        assertResults(h, 0x00E0210DL, 0xEB118443L, 0x44527080L, 0x4C5A4E55L);
        h.hvc(0x84000050L);
        assertResults(h, 0x10000);
    }

    @Test
    @DisplayName("TRNG entropy comes from the VM seed only: same seed, same bits; another seed, other bits")
    void trngDeterministic() {
        long[] a = rnd(5);
        long[] b = rnd(5);
        long[] c = rnd(6);
        assertArrayEquals(a, b);
        assertTrue(a[1] != c[1] || a[2] != c[2] || a[3] != c[3]);
    }

    private static long[] rnd(long seed) {
        Harness h = new Harness(VmConfig.builder("arm64").seed(seed).build());
        h.hvc(0xC4000053L, 192);
        return new long[] {h.x(0), h.x(1), h.x(2), h.x(3)};
    }

    @Test
    @DisplayName("#26 hypercalls.c kvm_ptp_get_time: PTP with x1 = 2 gives -1 and x1..x3 = 0; x1 = 0 gives realtime and the counter")
    void ptp() {
        Harness h = Harness.of(1);
        h.hvc(0x86000001L, 2, 3, 4);
        assertResults(h, NS, 0, 0, 0);
        h.hvc(0x86000001L, 0);
        long real = (h.x(0) << 32) | h.x(1);
        assertEquals(VmConfig.builder("arm64").build().realtimeEpochNanos(), real); // virtual time 0
        assertEquals(0, (h.x(2) << 32) | h.x(3));
        Harness other = Harness.of(1, "clocksource", "other");
        other.hvc(0x86000001L, 1);
        assertResults(other, NS, 0, 0, 0);
    }

    @Test
    @DisplayName("#27 selftest smccc_filter.c: a DENY filter on PSCI_VERSION makes it -1")
    void filterDeny() {
        Harness h = Harness.of(1, "filter-deny", "0x84000000");
        h.hvc(0x84000000L);
        assertResults(h, NS, 0, 0, 0);
        h.hvc(0x80000000L);
        assertResults(h, 0x10001);
    }

    @Test
    @DisplayName("#28 selftest smccc_filter.c, hypercalls.c kvm_smccc_set_filter: the Arm architecture ranges are reserved (-EEXIST)")
    void filterReservedRange() {
        Harness h = Harness.of(1);
        assertEquals(-Arm64Vm.EEXIST, h.arm().setSmcccFilter(0x80008000L, 1, Arm64Vm.FILTER_DENY, 0));
        assertEquals(-Arm64Vm.EEXIST, h.arm().setSmcccFilter(0xC0000000L, 1, Arm64Vm.FILTER_DENY, 0));
        assertEquals(0, h.arm().setSmcccFilter(0x84000000L, 2, Arm64Vm.FILTER_DENY, 0));
        assertEquals(-Arm64Vm.EEXIST, h.arm().setSmcccFilter(0x84000001L, 1, Arm64Vm.FILTER_FWD_TO_USER, 0));
        assertEquals(-Arm64Vm.EINVAL, h.arm().setSmcccFilter(0x86000000L, 1, 3, 0));
        assertEquals(-Arm64Vm.EINVAL, h.arm().setSmcccFilter(0x86000000L, 0, Arm64Vm.FILTER_DENY, 0));
        assertEquals(-Arm64Vm.EINVAL, h.arm().setSmcccFilter(0xFFFFFFFFL, 2, Arm64Vm.FILTER_DENY, 0));
        assertEquals(-Arm64Vm.EINVAL, h.arm().setSmcccFilter(0x86000000L, 1, Arm64Vm.FILTER_DENY, 1));
        h.hvc(0x80000000L);
        assertEquals(-Arm64Vm.EBUSY, h.arm().setSmcccFilter(0x86000000L, 1, Arm64Vm.FILTER_DENY, 0));
    }

    @Test
    @DisplayName("#29 selftest smccc_filter.c, hypercalls.c kvm_prepare_hypercall_exit: FWD_TO_USER via SMC exits with nr and flags bit 0")
    void filterForward() {
        Harness h = Harness.of(1, "filter-fwd", "0x84000000");
        TrapResult r = h.trap(0, "smc #0", 0x84000000L, 1, 2, 3);
        assertEquals(Outcome.EXIT_TO_HOST, r.outcome());
        // *run = (struct kvm_run) {.exit_reason = KVM_EXIT_HYPERCALL, .hypercall = {.nr = func_id, .flags = flags}}: args and ret 0
        assertEquals(new Exit.Hypercall(0x84000000L, new long[6], 0, Exit.Hypercall.ARM64_SMC), r.exit());
        assertResults(h, 0x84000000L, 1, 2, 3);
        assertEquals(Harness.AT + 4, r.nextPc());
        TrapResult done = h.vm.completeExit(0, h.regs(0), h.m.memory(), 0x10002);
        assertEquals(Outcome.RESUME, done.outcome());
        assertResults(h, 0x10002, 1, 2, 3);
        assertEquals(Harness.AT + 4, h.regs(0).pc());
        Harness hv = Harness.of(1, "filter-fwd", "0x84000000");
        assertEquals(0, ((Exit.Hypercall) hv.hvc(0x84000000L).exit()).flags());
    }

    @Test
    @DisplayName("#30 hypercalls.c kvm_smccc_default_allowed: mainline answers the RFC's PV_LOCK_FEATURES 0xC6000020 with -1")
    void pvLockMainline() {
        Harness h = Harness.of(1);
        h.hvc(0xC6000020L, 0xC6000021L);
        assertResults(h, NS, 0, 0, 0);
        h.hvc(0xC6000021L);
        assertResults(h, NS);
        assertEquals(-Arm64Vm.ENXIO, h.arm().pvTime().setPvlockIpa(0, 0x4000));
    }

    @Test
    @DisplayName("#31 hypercalls.c kvm_arm_set_fw_reg_bmap, selftest hypercalls.c: VENDOR_HYP_BMAP bit 2 -EINVAL; a change after a run -EBUSY")
    void firmwareBitmapRules() {
        Harness h = Harness.of(1);
        assertEquals(-Arm64Vm.EINVAL, h.arm().firmware().set(Arm64FirmwareRegisters.REG_VENDOR_HYP_BMAP, 4));
        assertEquals(-Arm64Vm.EINVAL, h.arm().firmware().set(Arm64FirmwareRegisters.REG_STD_BMAP, 2));
        assertEquals(-Arm64Vm.ENOENT, h.arm().firmware().set(0x6030000000160009L, 0));
        assertEquals(1L, h.arm().firmware().get(Arm64FirmwareRegisters.REG_STD_BMAP));
        assertEquals(1L, h.arm().firmware().get(Arm64FirmwareRegisters.REG_STD_HYP_BMAP));
        assertEquals(3L, h.arm().firmware().get(Arm64FirmwareRegisters.REG_VENDOR_HYP_BMAP));
        assertEquals(0L, h.arm().firmware().get(Arm64FirmwareRegisters.REG_VENDOR_HYP_BMAP_2));
        h.hvc(0x80000000L);
        assertEquals(-Arm64Vm.EBUSY, h.arm().firmware().set(Arm64FirmwareRegisters.REG_VENDOR_HYP_BMAP, 1));
        assertEquals(0, h.arm().firmware().set(Arm64FirmwareRegisters.REG_VENDOR_HYP_BMAP, 3), "the same value is accepted");
    }

    @Test
    @DisplayName("hypercalls.c kvm_arm_set_fw_reg: PSCI_VERSION 0.1 is -EINVAL with PSCI_0_2, 1.x is -EINVAL without; a valid write changes the answer")
    void psciVersionRegister() {
        Harness h = Harness.of(1);
        assertEquals(-Arm64Vm.EINVAL, h.arm().firmware().set(Arm64FirmwareRegisters.REG_PSCI_VERSION, 1));
        assertEquals(-Arm64Vm.EINVAL, h.arm().firmware().set(Arm64FirmwareRegisters.REG_PSCI_VERSION, 0x10004));
        assertEquals(0, h.arm().firmware().set(Arm64FirmwareRegisters.REG_PSCI_VERSION, 0x10001));
        h.hvc(0x84000000L);
        assertResults(h, 0x10001);
        Harness legacy = Harness.of(1, "psci", "0.1");
        assertEquals(-Arm64Vm.EINVAL, legacy.arm().firmware().set(Arm64FirmwareRegisters.REG_PSCI_VERSION, 2));
        assertEquals(0, legacy.arm().firmware().set(Arm64FirmwareRegisters.REG_PSCI_VERSION, 1));
    }
}
