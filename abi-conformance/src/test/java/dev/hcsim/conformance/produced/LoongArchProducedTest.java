package dev.hcsim.conformance.produced;

import static dev.hcsim.conformance.produced.Listed.regs;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.sched.SingleCall;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every fault and exit LoongArch lists in {@code hcsim explain --arch loongarch}, driven once, with the typed record
 * and the PC at the exit checked (arch/loongarch/kvm/exit.c kvm_handle_hypercall, kvm_complete_user_service,
 * kvm_trap_handle_gspr, kvm_handle_rdwr_fault).
 */
class LoongArchProducedTest {
    private static final long AT = 0x1000;

    @Test
    @DisplayName("each listed LoongArch fault and exit comes out as its typed record")
    void everyListedFaultAndExit() {
        Listed l = new Listed("loongarch");
        TrapResult ade = l.fetchOutside("nothing readable at the PC: ADE", l.config(), 0x20_0000, regs());
        assertEquals(new Fault.LoongArch(Fault.LoongArch.ADE, Fault.LoongArch.ADEF, 0x20_0000, 0x20_0000), ade.fault());
        assertEquals(new Fault.LoongArch(Fault.LoongArch.INE, 0, AT, 0), l.call("a word KVM does not emulate", l.config(), "00004003", regs()).fault());
        assertEquals(new Fault.LoongArch(Fault.LoongArch.SYS, 0, AT, 0), l.call("syscall: EXCCODE_SYS", l.config(), "00002b00", regs()).fault());
        assertEquals(new Fault.LoongArch(Fault.LoongArch.BP, 0, AT, 0), l.call("break: EXCCODE_BRK", l.config(), "00002a00", regs()).fault());

        SingleCall.Result user = l.call("KVM_HCALL_USER_SERVICE", l.config("+user-hcall"), "02812b00", regs("a0", 1, "a5", 6));
        assertEquals(new Exit.Hypercall(0x102, new long[] {1, 0, 0, 0, 0, 6}, -1, 0), user.exit());
        assertEquals(Map.of(), user.changed(), "a0 and the PC wait for re-entry (kvm_complete_user_service)");
        assertEquals(Map.of("a0", 0x44L, "pc", AT + 4), Listed.reenter(user, new Exit.Hypercall(0x102, new long[] {1, 0, 0, 0, 0, 6}, 0x44, 0)),
                "kvm_complete_user_service: a0 = run->hypercall.ret, PC + 4");
        SingleCall.Result dbg = l.call("KVM_HCALL_SWDBG with guest debugging", l.config("guest-debug=sw-bp"), "01812b00", regs());
        assertEquals(new Exit.Debug(AT), dbg.exit());
        assertEquals(Map.of(), dbg.changed(), "PC not advanced");
        assertEquals(Map.of(), Listed.reenter(dbg, dbg.exit()), "kvm_debug_exit_arch is empty: re-entry runs the hvcl again");
        l.assertEveryEntryDriven();
    }
}
