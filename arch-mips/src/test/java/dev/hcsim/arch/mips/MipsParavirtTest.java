package dev.hcsim.arch.mips;

import static dev.hcsim.arch.mips.MipsCalls.regs;
import static dev.hcsim.arch.mips.MipsCalls.v0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.Status;
import dev.hcsim.core.SystemEventType;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.sched.RunResult;
import dev.hcsim.core.sched.SingleCall;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The paravirt-guest option: the intended meaning of KVM_HC_MIPS_GET_CLOCK_FREQ, EXIT_VM and
 * CONSOLE_OUTPUT as the 2013 guest uses them (arch/mips/paravirt/setup.c, serial.c). Off by default.
 */
class MipsParavirtTest {
    static VmConfig.Builder paravirt() {
        return VmConfig.builder("mips").vcpus(2).option("paravirt-guest", "on");
    }

    @Test
    @DisplayName("the option is off by default: today's KVM (arch/mips/kvm/hypcall.c)")
    void offByDefault() {
        Vm vm = Vm.create(VmConfig.builder("mips").build());
        assertEquals("off", vm.option("paravirt-guest"));
        assertTrue(!vm.archState(MipsVm.class).paravirtGuest());
        assertTrue(!Engine.context(vm).hypercalls().isOffered(6) && !Engine.context(vm).hypercalls().isOffered(7) && !Engine.context(vm).hypercalls().isOffered(8));
    }

    @Test
    @DisplayName("GET_CLOCK_FREQ: v0 = the virtual counter's frequency in Hz (paravirt/setup.c plat_time_init reads it as mips_hpt_frequency)")
    void clockFrequency() {
        SingleCall.Result r = SingleCall.run(paravirt().tscHz(100_000_000).build(), 0, null, regs("v0", 6), Map.of());
        assertEquals(100_000_000, v0(r));
        assertEquals(Status.SUCCESS, r.status());
        assertEquals(Map.of("v0", 100_000_000L, "pc", 0x1004L), r.changed());
    }

    @Test
    @DisplayName("EXIT_VM: KVM_EXIT_SYSTEM_EVENT SHUTDOWN; the scheduler stops every vCPU (paravirt/setup.c pv_machine_halt)")
    void exitVm() {
        SingleCall.Result r = SingleCall.run(paravirt().build(), 0, null, regs("v0", 7), Map.of());
        assertEquals(Outcome.EXIT_TO_HOST, r.outcome());
        assertEquals(new Exit.SystemEvent(SystemEventType.SHUTDOWN), r.exit(), "one event per trap: the exit is the shutdown");
        assertEquals(Map.of("v0", 0L, "pc", 0x1004L), r.changed(), "the call completed before the VM halts");

        Vm vm = Vm.create(paravirt().build());
        Machine m = new Machine(vm, "pv");
        m.load(0x1000, vm.assemble("""
                mfc0 $2,$15,1
                andi $2,$2,0x3ff
                bnez $2,idle
                li $3,200
                spin: daddiu $3,$3,-1
                bnez $3,spin
                nop
                li $2,7
                hypcall
                idle: wait
                """, 0x1000).bytes());
        m.registers(1).pc(0x1000);
        m.registers(0).pc(0x1000);
        RunResult run = m.run(100_000, Long.MAX_VALUE);
        assertEquals(RunResult.Reason.SYSTEM_EVENT, run.reason());
        assertEquals(new Exit.SystemEvent(SystemEventType.SHUTDOWN), m.systemEvent());
        assertEquals(VcpuState.OFF, m.stateOf(0));
        assertEquals(VcpuState.OFF, m.stateOf(1));
    }

    @Test
    @DisplayName("CONSOLE_OUTPUT: a0 = port, a1 = guest virtual address (kseg0 here), a2 = count; the bytes reach the console sink "
            + "(paravirt/serial.c paravirt_put_chars)")
    void consoleOutput() {
        Vm vm = Vm.create(paravirt().build());
        List<String> seen = new ArrayList<>();
        vm.archState(MipsVm.class).consoleSink((vcpu, port, bytes) -> seen.add(vcpu + ":" + port + ":" + new String(bytes, StandardCharsets.ISO_8859_1)));
        Machine m = new Machine(vm, "pv");
        m.load(0x3000, "hi!\n".getBytes(StandardCharsets.ISO_8859_1));
        m.load(0x1000, vm.assemble("""
                li $2,8
                li $4,0
                li $5,0x80003000
                li $6,4
                hypcall
                move $16,$2
                li $2,8
                li $4,1
                dli $5,0x9800000000003001
                li $6,2
                hypcall
                wait
                """, 0x1000).bytes());
        m.initialState(1, VcpuState.OFF);
        m.registers(0).pc(0x1000);
        m.run(10_000, Long.MAX_VALUE);
        MipsVm mips = vm.archState(MipsVm.class);
        assertEquals("hi!\n", mips.consoleOutput(0));
        assertEquals("i!", mips.consoleOutput(1));
        assertEquals(4, m.registers(0).get("s0"));
        assertEquals(2, m.registers(0).get("v0"));
        assertEquals(List.of("0:0:hi!\n", "0:1:i!"), seen);
    }

    @Test
    @DisplayName("CONSOLE_OUTPUT from outside guest memory: -KVM_EFAULT and nothing printed; a count over 1 MiB: -KVM_E2BIG")
    void consoleOutputErrors() {
        SingleCall.Result r = SingleCall.run(paravirt().build(), 0, null, regs("v0", 8, "a1", 0x7FFF_0000L, "a2", 3), Map.of());
        assertEquals(-14, v0(r));
        assertEquals(Status.FAULT, r.status());
        assertEquals("", r.vm().archState(MipsVm.class).consoleOutput(0));
        r = SingleCall.run(paravirt().build(), 0, null, regs("v0", 8, "a1", 0x2000, "a2", 1 << 21), Map.of());
        assertEquals(-7, v0(r));
        assertEquals("-KVM_E2BIG", r.statusName());
    }

    @Test
    @DisplayName("with the option on, numbers other than 6..8 still answer -KVM_ENOSYS")
    void otherNumbersStillEnosys() {
        SingleCall.Result r = SingleCall.run(paravirt().build(), 0, null, regs("v0", 9), Map.of());
        assertEquals(MipsCalls.ENOSYS, v0(r));
    }
}
