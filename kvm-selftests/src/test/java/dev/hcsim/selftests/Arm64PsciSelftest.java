package dev.hcsim.selftests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Outcome;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.Machine;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * tools/testing/selftests/kvm/arm64/psci_test.c (torvalds/linux, read at commit 8911c7db): CPU_ON of
 * a powered-off vCPU and AFFINITY_INFO, SYSTEM_SUSPEND with KVM_CAP_ARM_SYSTEM_SUSPEND, and
 * SYSTEM_OFF2 (hibernate). setup_vm: two vCPUs with KVM_ARM_VCPU_PSCI_0_2; the target powered off.
 */
class Arm64PsciSelftest {
    static final long CPU_ON_ENTRY_ADDR = 0xfeedf00dL;
    static final long CPU_ON_CONTEXT_ID = 0xdeadc0deL;
    static final long PSCI_0_2_FN64_CPU_ON = 0xC400_0003L;
    static final long PSCI_0_2_FN64_AFFINITY_INFO = 0xC400_0004L;
    static final long PSCI_1_0_FN_PSCI_FEATURES = 0x8400_000AL;
    static final long PSCI_1_0_FN_SYSTEM_SUSPEND = 0x8400_000EL;
    static final long PSCI_1_0_FN64_SYSTEM_SUSPEND = 0xC400_000EL;
    static final long PSCI_1_3_FN_SYSTEM_OFF2 = 0x8400_0015L;
    static final long PSCI_1_3_FN64_SYSTEM_OFF2 = 0xC400_0015L;
    static final long PSCI_1_3_OFF_TYPE_HIBERNATE_OFF = 1;
    static final long PSCI_RET_INVALID_PARAMS = -2;
    static final long PSCI_RET_INTERNAL_FAILURE = -6;
    static final long AFFINITY_LEVEL_ON = 0;
    static final long AFFINITY_LEVEL_OFF = 1;
    static final long KVM_CAP_ARM_SYSTEM_SUSPEND = 216;
    static final long KVM_REG_ARM_PSCI_VERSION = 0x6030_0000_0014_0000L;

    /** The source vCPU 0 and the powered-off target vCPU 1 (vcpu_power_off: KVM_MP_STATE_STOPPED, powered off). */
    static final class Setup {
        final Vm vm = Vm.create(VmConfig.builder("arm64").vcpus(2).build());
        final Machine m = new Machine(vm, "psci_test");

        Setup() {
            m.initialState(1, VcpuState.OFF);
            m.load(0x1000, vm.assemble("hvc #0", 0x1000).bytes());
        }

        /** smccc_hvc(fn, a1, a2, a3) on the source. */
        TrapResult hvc(long fn, long a1, long a2, long a3) {
            var r = m.registers(0);
            r.pc(0x1000);
            r.set("x0", fn);
            r.set("x1", a1);
            r.set("x2", a2);
            r.set("x3", a3);
            return vm.trap(0, r, m.memory(), m);
        }

        long x0() {
            return m.registers(0).get("x0");
        }
    }

    @Test
    @DisplayName("psci_test.c guest_test_cpu_on / assert_vcpu_reset: GUEST_ASSERT(!psci_cpu_on), AFFINITY_INFO is ON or OFF and ends ON, "
            + "'unexpected target cpu pc', 'unexpected target context id'")
    void cpuOn() {
        Setup s = new Setup();
        long targetMpidr = s.vm.vcpuId(1) & 0xFF_00FF_FFFFL; // MPIDR_HWID_BITMASK
        s.hvc(PSCI_0_2_FN64_CPU_ON, targetMpidr, CPU_ON_ENTRY_ADDR, CPU_ON_CONTEXT_ID);
        assertEquals(0, s.x0(), "psci_cpu_on");
        s.hvc(PSCI_0_2_FN64_AFFINITY_INFO, targetMpidr, 0, 0);
        long state = s.x0();
        assertTrue(state == AFFINITY_LEVEL_ON || state == AFFINITY_LEVEL_OFF, "AFFINITY_INFO " + state);
        assertEquals(AFFINITY_LEVEL_ON, state, "the target is on once CPU_ON returned");
        s.m.run(1, 1_000_000); // the target's first KVM_RUN applies the reset KVM_REQ_VCPU_RESET asked for
        assertEquals(CPU_ON_ENTRY_ADDR, s.m.registers(1).pc(), "unexpected target cpu pc");
        assertEquals(CPU_ON_CONTEXT_ID, s.m.registers(1).get("x0"), "unexpected target context id");
    }

    @Test
    @DisplayName("psci_test.c guest_test_system_suspend / host_test_system_suspend: PSCI_FEATURES(SYSTEM_SUSPEND) == 0 (32 and 64), "
            + "KVM_EXIT_SYSTEM_EVENT of type KVM_SYSTEM_EVENT_SUSPEND")
    void systemSuspend() {
        Setup s = new Setup();
        s.vm.control().enableCap(KVM_CAP_ARM_SYSTEM_SUSPEND); // vm_enable_cap asserts 0; TEST_REQUIRE(kvm_has_cap(...))
        s.hvc(PSCI_1_0_FN_PSCI_FEATURES, PSCI_1_0_FN_SYSTEM_SUSPEND, 0, 0);
        assertEquals(0, s.x0(), "SYSTEM_SUSPEND (SMC32) is discoverable");
        s.hvc(PSCI_1_0_FN_PSCI_FEATURES, PSCI_1_0_FN64_SYSTEM_SUSPEND, 0, 0);
        assertEquals(0, s.x0(), "SYSTEM_SUSPEND (SMC64) is discoverable");
        TrapResult t = s.hvc(PSCI_1_0_FN64_SYSTEM_SUSPEND, CPU_ON_ENTRY_ADDR, CPU_ON_CONTEXT_ID, 0);
        assertEquals(Outcome.EXIT_TO_HOST, t.outcome());
        assertEquals(dev.hcsim.core.ExitReason.SYSTEM_EVENT, t.exit().reason());
        assertEquals(5, ((dev.hcsim.core.Exit.SystemEvent) t.exit()).type().number(), "Unhandled system event: expected KVM_SYSTEM_EVENT_SUSPEND (5)");
    }

    /** smccc_hvc(fn, a1, a2) in the guest: fn and the arguments as movz/movk pairs. */
    private static String hvc(long fn, long a1, long a2) {
        return String.join("\n",
                "    movz x0, #0x" + Long.toHexString(fn >>> 16) + ", lsl #16",
                "    movk x0, #0x" + Long.toHexString(fn & 0xFFFF),
                "    movz x1, #0x" + Long.toHexString(a1 >>> 16) + ", lsl #16",
                "    movk x1, #0x" + Long.toHexString(a1 & 0xFFFF),
                "    movz x2, #0x" + Long.toHexString(a2),
                "    hvc #0");
    }

    /**
     * guest_test_system_off2: the results of its six calls in x19..x24, then GUEST_DONE as the ucall Arm64Guest.UCALL_FN
     * with them in x1..x6.
     */
    static final String GUEST_SYSTEM_OFF2 = String.join("\n",
            hvc(PSCI_1_0_FN_PSCI_FEATURES, PSCI_1_3_FN_SYSTEM_OFF2, 0), "    mov x19, x0",
            hvc(PSCI_1_0_FN_PSCI_FEATURES, PSCI_1_3_FN64_SYSTEM_OFF2, 0), "    mov x20, x0",
            hvc(PSCI_1_3_FN64_SYSTEM_OFF2, PSCI_1_3_OFF_TYPE_HIBERNATE_OFF, 1), "    mov x21, x0",
            hvc(PSCI_1_3_FN64_SYSTEM_OFF2, PSCI_1_3_OFF_TYPE_HIBERNATE_OFF, 0), "    mov x22, x0",
            hvc(PSCI_1_3_FN64_SYSTEM_OFF2, 0, 1), "    mov x23, x0",
            hvc(PSCI_1_3_FN64_SYSTEM_OFF2, 0, 0), "    mov x24, x0",
            "    mov x1, x19", "    mov x2, x20", "    mov x3, x21", "    mov x4, x22", "    mov x5, x23", "    mov x6, x24",
            "    movz x0, #0xc300, lsl #16",
            "    hvc #0                          // GUEST_DONE()");

    /** What host_test_system_off2 saw: the system events in order, and GUEST_DONE's x1..x6 (null when the guest did not get there). */
    record Off2Run(java.util.List<dev.hcsim.core.Exit.SystemEvent> events, long[] done) {
    }

    /**
     * host_test_system_off2 as the selftest's VMM loop: enter_guest; while the exit is KVM_EXIT_SYSTEM_EVENT, note it,
     * KVM_SET_MP_STATE RUNNABLE and enter_guest again (Machine.reenter).
     */
    static Off2Run runSystemOff2() {
        Vm vm = Vm.create(VmConfig.builder("arm64").vcpus(2).build());
        Arm64Guest.forwardUcalls(vm);
        Machine m = new Machine(vm, "psci_test");
        m.initialState(1, VcpuState.OFF); // vcpu_power_off(target)
        m.load(0x1000, vm.assemble(GUEST_SYSTEM_OFF2, 0x1000).bytes());
        m.registers(0).pc(0x1000);
        long[][] done = new long[1][];
        m.host((vcpu, r) -> {
            if (r.exit() instanceof dev.hcsim.core.Exit.Hypercall h && h.nr() == Arm64Guest.UCALL_FN) {
                done[0] = new long[6];
                for (int i = 0; i < 6; i++) {
                    done[0][i] = m.registers(vcpu).get("x" + (i + 1));
                }
            }
            return dev.hcsim.core.sched.HostHandler.STAY_EXITED;
        });
        java.util.List<dev.hcsim.core.Exit.SystemEvent> events = new java.util.ArrayList<>();
        dev.hcsim.core.sched.RunResult run = m.run(10_000, Long.MAX_VALUE);
        while (run.reason() == dev.hcsim.core.sched.RunResult.Reason.SYSTEM_EVENT && events.size() < 10) {
            events.add(m.systemEvent());
            m.reenter(0); // mps.mp_state = KVM_MP_STATE_RUNNABLE; vcpu_mp_state_set(source, &mps); enter_guest(source)
            run = m.run(10_000, Long.MAX_VALUE);
        }
        return new Off2Run(events, done[0]);
    }

    @Test
    @DisplayName("psci_test.c host_test_system_off2: TEST_ASSERT(psci_version >= PSCI_VERSION(1, 3), 'Unexpected PSCI version')")
    void psciVersion() {
        long version = Vm.create(VmConfig.builder("arm64").vcpus(2).build()).control().getOneReg(1, KVM_REG_ARM_PSCI_VERSION);
        assertTrue(version >= 0x10003, "Unexpected PSCI version " + (version >> 16) + "." + (version & 0xFFFF));
    }

    @Test
    @DisplayName("psci_test.c guest_test_system_off2: GUEST_ASSERT(psci_features(PSCI_1_3_FN_SYSTEM_OFF2) & PSCI_1_3_OFF_TYPE_HIBERNATE_OFF)")
    void off2Discoverable32() {
        assertTrue((runSystemOff2().done()[0] & PSCI_1_3_OFF_TYPE_HIBERNATE_OFF) != 0);
    }

    @Test
    @DisplayName("psci_test.c guest_test_system_off2: GUEST_ASSERT(psci_features(PSCI_1_3_FN64_SYSTEM_OFF2) & PSCI_1_3_OFF_TYPE_HIBERNATE_OFF)")
    void off2Discoverable64() {
        assertTrue((runSystemOff2().done()[1] & PSCI_1_3_OFF_TYPE_HIBERNATE_OFF) != 0);
    }

    @Test
    @DisplayName("psci_test.c guest_test_system_off2: psci_system_off2(PSCI_1_3_OFF_TYPE_HIBERNATE_OFF, 1); GUEST_ASSERT(ret == PSCI_RET_INVALID_PARAMS)")
    void hibernateCookieRefused() {
        assertEquals(PSCI_RET_INVALID_PARAMS, runSystemOff2().done()[2]);
    }

    @Test
    @DisplayName("psci_test.c guest_test_system_off2: psci_system_off2(PSCI_1_3_OFF_TYPE_HIBERNATE_OFF, 0); GUEST_ASSERT(ret == PSCI_RET_INTERNAL_FAILURE) "
            + "after the VMM re-entered")
    void hibernateReturnsInternalFailure() {
        assertEquals(PSCI_RET_INTERNAL_FAILURE, runSystemOff2().done()[3]);
    }

    @Test
    @DisplayName("psci_test.c guest_test_system_off2: psci_system_off2(0, 1); GUEST_ASSERT(ret == PSCI_RET_INVALID_PARAMS)")
    void zeroTypeCookieRefused() {
        assertEquals(PSCI_RET_INVALID_PARAMS, runSystemOff2().done()[4]);
    }

    @Test
    @DisplayName("psci_test.c guest_test_system_off2: psci_system_off2(0, 0); GUEST_ASSERT(ret == PSCI_RET_INTERNAL_FAILURE) after the VMM re-entered")
    void zeroTypeReturnsInternalFailure() {
        assertEquals(PSCI_RET_INTERNAL_FAILURE, runSystemOff2().done()[5]);
    }

    @Test
    @DisplayName("psci_test.c host_test_system_off2: TEST_ASSERT(run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN, 'Unhandled system event')")
    void off2IsShutdown() {
        for (dev.hcsim.core.Exit.SystemEvent e : runSystemOff2().events()) {
            assertEquals(1, e.type().number(), "Unhandled system event: " + e.type().number() + " (expected: 1)");
        }
    }

    @Test
    @DisplayName("psci_test.c host_test_system_off2: TEST_ASSERT(run->system_event.ndata >= 1, 'Unexpected amount of system event data')")
    void off2Ndata() {
        for (dev.hcsim.core.Exit.SystemEvent e : runSystemOff2().events()) {
            assertTrue(e.ndata() >= 1, "Unexpected amount of system event data: " + e.ndata() + " (expected, >= 1)");
        }
    }

    @Test
    @DisplayName("psci_test.c host_test_system_off2: TEST_ASSERT(run->system_event.data[0] & KVM_SYSTEM_EVENT_SHUTDOWN_FLAG_PSCI_OFF2, "
            + "'PSCI_OFF2 flag not set')")
    void off2Flag() {
        for (dev.hcsim.core.Exit.SystemEvent e : runSystemOff2().events()) {
            assertTrue((e.data().get(0) & dev.hcsim.core.Exit.SystemEvent.SHUTDOWN_FLAG_PSCI_OFF2) != 0, "PSCI_OFF2 flag not set. Flags " + e.data());
        }
    }

    @Test
    @DisplayName("psci_test.c host_test_system_off2: TEST_ASSERT(get_ucall(source, &uc) == UCALL_DONE, 'Guest did not exit cleanly')")
    void off2GuestDone() {
        assertTrue(runSystemOff2().done() != null, "Guest did not exit cleanly");
    }

    @Test
    @DisplayName("psci_test.c host_test_system_off2: TEST_ASSERT(nr_shutdowns == 2, 'Two shutdown events were expected')")
    void off2TwoShutdowns() {
        assertEquals(2, runSystemOff2().events().size(), "Two shutdown events were expected");
    }

    @Test
    @DisplayName("psci_test.c main: TEST_REQUIRE(kvm_has_cap(KVM_CAP_ARM_SYSTEM_SUSPEND))")
    void systemSuspendCap() {
        assertEquals(1, Vm.create(VmConfig.builder("arm64").vcpus(2).build()).control().checkExtension(KVM_CAP_ARM_SYSTEM_SUSPEND));
    }
}
