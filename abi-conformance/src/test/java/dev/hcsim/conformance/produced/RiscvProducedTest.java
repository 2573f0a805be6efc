package dev.hcsim.conformance.produced;

import static dev.hcsim.conformance.produced.Listed.regs;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.SystemEventType;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.sched.SingleCall;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every fault and exit RISC-V lists in {@code hcsim explain --arch riscv}, driven once, with the typed record and
 * sepc at the exit checked (arch/riscv/kvm/vcpu_sbi.c kvm_riscv_vcpu_sbi_forward, kvm_riscv_vcpu_sbi_system_reset,
 * vcpu_sbi_v01.c, kvm_riscv_vcpu_trap_redirect).
 */
class RiscvProducedTest {
    private static final long AT = 0x1000;
    private static final long EXT_DBCN = 0x4442434E;
    private static final long EXT_SRST = 0x53525354;

    @Test
    @DisplayName("each listed RISC-V fault and exit comes out as its typed record")
    void everyListedFaultAndExit() {
        Listed l = new Listed("riscv");
        TrapResult fetch = l.fetchOutside("nothing readable at the PC", l.config(), 0x20_0000, regs());
        assertEquals(new Fault.RiscV(1, 0x20_0000, 0x20_0000), fetch.fault());
        assertEquals(new Fault.RiscV(Fault.RiscV.ILLEGAL_INSTRUCTION, 0x13, AT), l.call("a word that is not ecall", l.config(), "13000000", regs()).fault());
        // v0.1 SEND_IPI (a7 = 4) with a hart mask outside guest memory
        SingleCall.Result mask = l.call("an unreadable v0.1 hart mask", l.config(), "ecall", regs("a7", 4, "a0", 0x20_0000));
        assertEquals(new Fault.RiscV(5, 0x20_0000, AT), mask.fault());
        assertEquals(Map.of(), mask.changed(), "sepc unchanged, nothing written");
        assertEquals(new Fault.RiscV(Fault.RiscV.ECALL_U, 0, AT), l.call("ecall from VU-mode", l.config(), "ecall", regs("priv", 0)).fault());

        SingleCall.Result dbcn = l.call("DBCN, MPXY", l.config("+sbi-dbcn"), "ecall", regs("a7", EXT_DBCN, "a6", 0, "a0", 3, "a1", 0x2000));
        assertEquals(new Exit.RiscvSbi(EXT_DBCN, 0, List.of(3L, 0x2000L, 0L, 0L, 0L, 0L), List.of(-2L, 0L)), dbcn.exit());
        assertEquals(Map.of(), dbcn.changed(), "sepc stays at the ecall until kvm_riscv_vcpu_sbi_return");
        assertEquals(Map.of("a0", 0L, "a1", 3L, "pc", AT + 4),
                Listed.reenter(dbcn, new Exit.RiscvSbi(EXT_DBCN, 0, List.of(3L, 0x2000L, 0L, 0L, 0L, 0L), List.of(0L, 3L))),
                "kvm_riscv_vcpu_sbi_return: a0 = ret[0], a1 = ret[1], sepc + 4");
        SingleCall.Result off = l.call("SRST type 0", l.config(), "ecall", regs("a7", EXT_SRST, "a6", 0, "a0", 0, "a1", 7));
        assertEquals(new Exit.SystemEvent(SystemEventType.SHUTDOWN, 7L), off.exit());
        assertEquals(Map.of(), Listed.reenter(off, off.exit()), "re-entry after a system event changes no register");
        SingleCall.Result reboot = l.call("SRST cold or warm reboot", l.config(), "ecall", regs("a7", EXT_SRST, "a6", 0, "a0", 1, "a1", 0));
        assertEquals(new Exit.SystemEvent(SystemEventType.RESET, 0L), reboot.exit());
        l.assertEveryEntryDriven();
    }
}
