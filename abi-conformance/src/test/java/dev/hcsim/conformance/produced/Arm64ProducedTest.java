package dev.hcsim.conformance.produced;

import static dev.hcsim.conformance.produced.Listed.regs;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.SystemEventType;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.sched.SingleCall;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every fault and exit arm64 lists in {@code hcsim explain --arch arm64}, driven once, with the typed record and
 * KVM's registers at the exit checked (arch/arm64/kvm/inject_fault.c, handle_exit.c handle_hvc, hypercalls.c
 * kvm_smccc_call_handler, psci.c kvm_psci_system_off / _reset / _suspend, kvm_prepare_system_event).
 */
class Arm64ProducedTest {
    private static final long AT = 0x1000;

    @Test
    @DisplayName("each listed arm64 fault and exit comes out as its typed record")
    void everyListedFaultAndExit() {
        Listed l = new Listed("arm64");
        TrapResult el1 = l.fetchOutside("at EL1", l.config(), 0x20_0000, regs());
        assertEquals(new Fault.Arm64(Fault.Arm64.EC_IABT_CUR, Fault.Arm64.FSC_EXTABT, 1, 0x20_0000), el1.fault());
        TrapResult el0 = l.fetchOutside("at EL0: instruction abort", l.config("el=0"), 0x20_0000, regs());
        assertEquals(new Fault.Arm64(Fault.Arm64.EC_IABT_LOW, Fault.Arm64.FSC_EXTABT, 1, 0x20_0000), el0.fault());
        assertEquals(Fault.Arm64.undefined(AT), l.call("not HVC or SMC", l.config(), "nop", regs()).fault());
        assertEquals(Fault.Arm64.undefined(AT), l.call("HVC/SMC at EL0", l.config("el=0"), "hvc #0", regs()).fault());
        assertEquals(new Fault.Arm64(Fault.Arm64.EC_SVC64, 5, 1, AT + 4), l.call("taken by the guest's own EL1 vector", l.config(), "svc #5", regs()).fault());

        SingleCall.Result fwd = l.call("FWD_TO_USER", l.config("filter-fwd=0x86000000"), "smc #0", regs("x0", 0x8600_0000L, "x1", 7));
        assertEquals(new Exit.Hypercall(0x8600_0000L, new long[6], 0, Exit.Hypercall.ARM64_SMC), fwd.exit());
        assertEquals(Map.of("pc", AT + 4), fwd.changed(), "only the PC moved (handle_smc's kvm_incr_pc); x0..x3 untouched");
        assertEquals(Map.of("x0", 0x33L), Listed.reenter(fwd, new Exit.Hypercall(0x8600_0000L, new long[6], 0x33, Exit.Hypercall.ARM64_SMC)),
                "KVM_RUN writes nothing; the answer is the x0 the VMM sets (KVM_SET_ONE_REG); the PC is not moved again");

        // issue 14's done-when example: x0 = PSCI_RET_INTERNAL_FAILURE, x1..x3 = 0, PC past the HVC at the exit
        SingleCall.Result off = l.call("PSCI SYSTEM_OFF", l.config(), "hvc #0", regs("x0", 0x8400_0008L, "x1", 1, "x2", 2, "x3", 3));
        assertEquals(new Exit.SystemEvent(SystemEventType.SHUTDOWN, 0L), off.exit());
        assertEquals(Map.of("x0", -6L, "x1", 0L, "x2", 0L, "x3", 0L, "pc", AT + 4), off.changed());
        assertEquals(Map.of(), Listed.reenter(off, off.exit()), "a KVM_RUN after SYSTEM_OFF changes nothing more (kvm_psci_0_2_call preloaded x0)");
        SingleCall.Result reset = l.call("PSCI SYSTEM_RESET", l.config(), "hvc #0", regs("x0", 0x8400_0009L, "x1", 1));
        assertEquals(new Exit.SystemEvent(SystemEventType.RESET, 0L), reset.exit());
        assertEquals(Map.of("x0", -6L, "x1", 0L, "pc", AT + 4), reset.changed());
        SingleCall.Result suspend = l.call("PSCI SYSTEM_SUSPEND", l.config("+system-suspend"), "hvc #0",
                regs("x0", 0xC400_000EL, "x1", 0x2000, "x2", 0x55));
        assertEquals(new Exit.SystemEvent(SystemEventType.SUSPEND, 0L), suspend.exit());
        assertEquals(Map.of("pc", AT + 4), suspend.changed(), "x0..x3 as the guest passed them for the VMM to read");
        l.assertEveryEntryDriven();
    }
}
