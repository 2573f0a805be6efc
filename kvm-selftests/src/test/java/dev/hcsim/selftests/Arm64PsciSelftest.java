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

    @Test
    @DisplayName("psci_test.c host_test_system_off2: 'Unexpected PSCI version' (>= 1.3), PSCI_FEATURES(SYSTEM_OFF2) has HIBERNATE_OFF, "
            + "a non-zero cookie is INVALID_PARAMS, each OFF2 exits SHUTDOWN with KVM_SYSTEM_EVENT_SHUTDOWN_FLAG_PSCI_OFF2 and returns "
            + "INTERNAL_FAILURE after the VMM re-enters; two shutdowns")
    void systemOff2() {
        Setup s = new Setup();
        long version = s.vm.control().getOneReg(1, KVM_REG_ARM_PSCI_VERSION);
        assertTrue(version >= 0x10003, "Unexpected PSCI version " + (version >> 16) + "." + (version & 0xFFFF));
        s.hvc(PSCI_1_0_FN_PSCI_FEATURES, PSCI_1_3_FN_SYSTEM_OFF2, 0, 0);
        assertTrue((s.x0() & PSCI_1_3_OFF_TYPE_HIBERNATE_OFF) != 0, "SYSTEM_OFF2 (SMC32) discoverable with HIBERNATE_OFF");
        s.hvc(PSCI_1_0_FN_PSCI_FEATURES, PSCI_1_3_FN64_SYSTEM_OFF2, 0, 0);
        assertTrue((s.x0() & PSCI_1_3_OFF_TYPE_HIBERNATE_OFF) != 0, "SYSTEM_OFF2 (SMC64) discoverable with HIBERNATE_OFF");
        int shutdowns = 0;
        for (long type : new long[] {PSCI_1_3_OFF_TYPE_HIBERNATE_OFF, 0}) { // "zero as an alias for HIBERNATE_OFF" (PSCI 1.3 F.b)
            TrapResult bad = s.hvc(PSCI_1_3_FN64_SYSTEM_OFF2, type, 1, 0);
            assertEquals(Outcome.RESUME, bad.outcome());
            assertEquals(PSCI_RET_INVALID_PARAMS, s.x0(), "a non-zero cookie");
            TrapResult t = s.hvc(PSCI_1_3_FN64_SYSTEM_OFF2, type, 0, 0);
            assertEquals(dev.hcsim.core.ExitReason.SYSTEM_EVENT, t.exit().reason());
            dev.hcsim.core.Exit.SystemEvent e = (dev.hcsim.core.Exit.SystemEvent) t.exit();
            assertEquals(1, e.type().number(), "Unhandled system event: expected KVM_SYSTEM_EVENT_SHUTDOWN (1)");
            assertTrue((e.flags() & 1) != 0, "PSCI_OFF2 flag not set (KVM_SYSTEM_EVENT_SHUTDOWN_FLAG_PSCI_OFF2)");
            shutdowns++;
            s.vm.completeExit(0, s.m.registers(0), s.m.memory(), 0); // mp_state RUNNABLE, enter_guest
            assertEquals(PSCI_RET_INTERNAL_FAILURE, s.x0(), "the call returns PSCI_RET_INTERNAL_FAILURE");
        }
        assertEquals(2, shutdowns, "Two shutdown events were expected");
    }
}
