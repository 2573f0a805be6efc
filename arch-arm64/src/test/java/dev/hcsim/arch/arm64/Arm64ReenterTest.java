package dev.hcsim.arch.arm64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hcsim.core.Exit;
import dev.hcsim.core.SystemEventType;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.sched.HostHandler;
import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.sched.RunResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Re-entering a vCPU after a system event or an exit the host did not answer (Machine.reenter: KVM_SET_MP_STATE
 * KVM_MP_STATE_RUNNABLE, then KVM_RUN), with the event's ndata/data[] as KVM fills them (arch/arm64/kvm/psci.c
 * kvm_prepare_system_event: ndata = 1, data[0] = the flags).
 */
class Arm64ReenterTest {
    /** SYSTEM_OFF2(HIBERNATE_OFF, 0), then x10 = 7 and a halt. */
    private static final String OFF2 = String.join("\n",
            "movz x0, #0xc400, lsl #16",
            "movk x0, #0x15",
            "movz x1, #1",
            "movz x2, #0",
            "hvc #0",
            "movz x10, #7",
            "wfi");

    private static Machine machine(String source, int vcpus) {
        Vm vm = Vm.create(VmConfig.builder("arm64").vcpus(vcpus).build());
        Machine m = new Machine(vm, "t");
        m.load(0x1000, vm.assemble(source, 0x1000).bytes());
        for (int v = 0; v < vcpus; v++) {
            m.registers(v).pc(0x1000);
            m.initialState(v, v == 0 ? VcpuState.RUNNABLE : VcpuState.OFF);
        }
        return m;
    }

    @Test
    @DisplayName("after SYSTEM_OFF2 every vCPU is off and the run ends with the event (ndata 1, data[0] = KVM_SYSTEM_EVENT_SHUTDOWN_FLAG_PSCI_OFF2); "
            + "reenter resumes the caller past the HVC with x0 = PSCI_RET_INTERNAL_FAILURE, and the next run goes on")
    void reenterAfterSystemOff2() {
        Machine m = machine(OFF2, 1);
        assertEquals(RunResult.Reason.SYSTEM_EVENT, m.run(1000, Long.MAX_VALUE).reason());
        Exit.SystemEvent e = m.systemEvent();
        assertEquals(SystemEventType.SHUTDOWN, e.type());
        assertEquals(1, e.ndata());
        assertEquals(Exit.SystemEvent.SHUTDOWN_FLAG_PSCI_OFF2, e.data().get(0));
        assertEquals(VcpuState.OFF, m.stateOf(0));
        m.reenter(0);
        assertNull(m.systemEvent(), "the VMM acted on the event");
        assertEquals(0x1014, m.registers(0).pc(), "past the HVC");
        assertEquals(-6, m.registers(0).get("x0"), "PSCI_RET_INTERNAL_FAILURE, written before the exit");
        assertEquals(RunResult.Reason.IDLE, m.run(1000, Long.MAX_VALUE).reason());
        assertEquals(7, m.registers(0).get("x10"), "the guest ran on after the call");
        assertEquals(VcpuState.HALTED, m.stateOf(0));
    }

    @Test
    @DisplayName("reenter touches only the vCPU named: the other vCPUs the system event stopped stay off (kvm_prepare_system_event stops them all)")
    void othersStayOff() {
        Machine m = machine(OFF2, 2);
        m.initialState(1, VcpuState.RUNNABLE);
        m.registers(1).pc(0x1018); // straight to the wfi
        assertEquals(RunResult.Reason.SYSTEM_EVENT, m.run(1000, Long.MAX_VALUE).reason());
        m.reenter(0);
        assertEquals(VcpuState.OFF, m.stateOf(1));
        m.run(1000, Long.MAX_VALUE);
        assertEquals(VcpuState.OFF, m.stateOf(1));
        assertEquals(VcpuState.HALTED, m.stateOf(0));
    }

    @Test
    @DisplayName("an exit the host left unanswered (STAY_EXITED) is completed by reenter with the values the exit carries: "
            + "SYSTEM_SUSPEND's x0 is the preset 0 (PSCI_RET_SUCCESS)")
    void reenterAfterStayExited() {
        String suspend = "movz x0, #0xc400, lsl #16\nmovk x0, #0xe\nmovz x1, #0x2000\nhvc #0\nmovz x10, #9\nwfi";
        Machine m = machine(suspend, 1);
        m.vm().control().enableCap(Arm64Ioctls.KVM_CAP_ARM_SYSTEM_SUSPEND);
        m.host((v, r) -> HostHandler.STAY_EXITED);
        assertEquals(RunResult.Reason.IDLE, m.run(1000, Long.MAX_VALUE).reason());
        assertEquals(VcpuState.EXITED, m.stateOf(0));
        assertEquals(SystemEventType.SUSPEND, ((Exit.SystemEvent) Engine.context(m.vm()).frame(0).exit()).type());
        m.reenter(0);
        m.run(1000, Long.MAX_VALUE);
        assertEquals(0, m.registers(0).get("x0"));
        assertEquals(9, m.registers(0).get("x10"));
    }

    @Test
    @DisplayName("reenter refuses a vCPU that is not stopped at an exit (IllegalStateException) and an index out of range (IllegalArgumentException)")
    void misuse() {
        Machine m = machine(OFF2, 2);
        assertThrows(IllegalStateException.class, () -> m.reenter(0), "runnable");
        assertThrows(IllegalArgumentException.class, () -> m.reenter(2));
        assertThrows(IllegalArgumentException.class, () -> m.reenter(-1));
    }
}
