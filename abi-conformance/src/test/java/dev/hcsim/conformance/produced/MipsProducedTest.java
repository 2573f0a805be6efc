package dev.hcsim.conformance.produced;

import static dev.hcsim.conformance.produced.Listed.regs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.SystemEventType;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.sched.SingleCall;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every fault and exit MIPS lists in {@code hcsim explain --arch mips}, driven once, with the typed record and the
 * PC at the exit checked (arch/mips/kvm/vz.c kvm_trap_vz_handle_hc, emulate.c kvm_get_badinstr, hypcall.c).
 */
class MipsProducedTest {
    private static final long AT = 0x1000;
    private static final String HYPCALL = "42000028";

    @Test
    @DisplayName("each listed MIPS fault and exit comes out as its typed record")
    void everyListedFaultAndExit() {
        Listed l = new Listed("mips");
        TrapResult ibe = l.fetchOutside("nothing readable at EPC", l.config(), 0x20_0000, regs());
        assertEquals(new Fault.Mips(Fault.Mips.IBE, 0x20_0000, false, 0), ibe.fault());
        assertEquals(new Fault.Mips(Fault.Mips.SYS, AT, false, 0), l.call("syscall: the guest kernel's own", l.config(), "0000000c", regs()).fault());
        SingleCall.Result nop = l.call("any other word that is not HYPCALL", l.config(), "00000000", regs());
        assertNull(nop.fault());
        assertEquals(Map.of(), nop.changed(), "nothing changes");

        SingleCall.Result internal = l.call("HYPCALL KVM cannot emulate", l.config("-badinstr"), HYPCALL, regs("v0", 1));
        assertEquals(new Exit.InternalError(0), internal.exit());
        assertEquals(Map.of(), internal.changed(), "PC on the HYPCALL, v0 untouched");
        assertEquals(Map.of(), Listed.reenter(internal, internal.exit()), "the next KVM_RUN re-executes the HYPCALL");
        SingleCall.Result exitVm = l.call("the EXIT_VM call", l.config("paravirt-guest=on"), HYPCALL, regs("v0", 7));
        assertEquals(new Exit.SystemEvent(SystemEventType.SHUTDOWN), exitVm.exit());
        assertEquals(Map.of("v0", 0L, "pc", AT + 4), exitVm.changed());
        l.assertEveryEntryDriven();
    }
}
