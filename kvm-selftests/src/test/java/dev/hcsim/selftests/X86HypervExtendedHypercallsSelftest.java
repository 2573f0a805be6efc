package dev.hcsim.selftests;

import static dev.hcsim.selftests.HypervGuest.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.hcsim.core.Exit;
import dev.hcsim.core.ExitReason;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.TrapResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * tools/testing/selftests/kvm/x86/hyperv_extended_hypercalls.c (torvalds/linux, read at commit b2128290): the guest's
 * slow HV_EXT_CALL_QUERY_CAPABILITIES exits to user space as KVM_EXIT_HYPERV; the VMM writes EXT_CAPABILITIES at
 * hyperv.u.hcall.params[1] (the output GPA) and answers HV_STATUS_SUCCESS; the guest, resumed, reads it back.
 */
class X86HypervExtendedHypercallsSelftest {
    static final long EXT_CAPABILITIES = 0xb;
    static final long IN_PG = 0x4000;
    static final long OUT_PG = 0x5000;

    @Test
    @DisplayName("hyperv_extended_hypercalls.c main: TEST_ASSERT(run->exit_reason == KVM_EXIT_HYPERV), then after re-entry "
            + "hyperv_hypercall's status check and GUEST_ASSERT_EQ(*output_gva, EXT_CAPABILITIES)")
    void queryCapabilitiesExitsAndCompletes() {
        HypervGuest g = new HypervGuest(1);
        g.zeroPage(IN_PG);
        g.zeroPage(OUT_PG);
        g.hvInit(0, IN_PG);
        TrapResult r = g.hypercall(0, HV_EXT_CALL_QUERY_CAPABILITIES, IN_PG, OUT_PG);
        assertEquals(Outcome.EXIT_TO_HOST, r.outcome());
        assertEquals(ExitReason.HYPERV, r.exit().reason(), "Unexpected exit reason");
        Exit.HypervHcall h = assertInstanceOf(Exit.HypervHcall.class, r.exit());
        g.words(h.params().get(1), EXT_CAPABILITIES); // *outval = EXT_CAPABILITIES
        TrapResult done = g.vm.completeExit(0, g.m.registers(0), g.m.memory(), HV_STATUS_SUCCESS);
        assertEquals(Outcome.RESUME, done.outcome());
        assertEquals(0, g.rax(0) & 0xffff, "hyperv_hypercall: GUEST_ASSERT((hv_status & 0xffff) == 0)");
        assertEquals(VMCALL_AT + 3, g.m.registers(0).pc());
        byte[] out = new byte[8];
        g.m.memory().read(OUT_PG, out, 0, 8);
        assertEquals(EXT_CAPABILITIES, dev.hcsim.core.Bytes.get(out, 0, 8, false), "GUEST_ASSERT_EQ(*output_gva, EXT_CAPABILITIES)");
    }
}
