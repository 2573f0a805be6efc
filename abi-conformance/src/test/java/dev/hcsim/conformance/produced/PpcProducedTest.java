package dev.hcsim.conformance.produced;

import static dev.hcsim.conformance.produced.Listed.regs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.sched.SingleCall;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every fault and exit PowerPC lists in {@code hcsim explain --arch ppc}, driven once on the host flavour that
 * produces it, with the typed record and the PC at the exit checked (book3s.c kvmppc_core_queue_program,
 * booke.c kvmppc_handle_exit / emulation_exit, book3s_hv.c kvmppc_handle_exit_hv, book3s_pr.c kvmppc_handle_exit_pr,
 * powerpc.c kvm_arch_vcpu_ioctl_run).
 */
class PpcProducedTest {
    private static final long AT = 0x1000;
    private static final String SC = "44000002";
    private static final String SC1 = "44000022";

    private static Fault.Ppc program(SingleCall.Result r) {
        Fault.Ppc f = (Fault.Ppc) r.fault();
        assertEquals(Fault.Ppc.PROGRAM, f.vector());
        return f;
    }

    @Test
    @DisplayName("each listed PowerPC fault and exit comes out as its typed record")
    void everyListedFaultAndExit() {
        Listed l = new Listed("ppc");
        TrapResult isi = l.fetchOutside("nothing readable at the PC: instruction storage", l.config(), 0x20_0000, regs());
        Fault.Ppc i = (Fault.Ppc) isi.fault();
        assertEquals(0x400, i.vector());
        assertEquals(0x20_0000, i.srr0());
        assertTrue((i.srr1() & 0x4000_0000L) != 0, "SRR1: no translation");

        Fault.Ppc ill = program(l.call("Book3S: a word that is not sc", l.config(), "60000000", regs()));
        assertEquals(AT, ill.srr0());
        assertTrue((ill.srr1() & Fault.Ppc.SRR1_PROGILL) != 0);
        Fault.Ppc pil = program(l.call("BookE: a word that is not sc", l.config("host=booke-pr"), "60000000", regs()));
        assertEquals(Fault.Ppc.ESR_PIL, pil.esr(), "EMULATE_FAIL queues ESR_PIL (booke.c emulation_exit)");
        Fault.Ppc priv = program(l.call("Book3S HV: sc 1 from problem state", l.config("host=book3s-hv", "privilege=problem"), SC1, regs()));
        assertEquals(AT, priv.srr0());
        assertTrue((priv.srr1() & Fault.Ppc.SRR1_PROGPRIV) != 0);
        Fault.Ppc ppr = program(l.call("BookE HV: sc 1 or msgsnd", l.config("host=booke-hv", "privilege=problem"), SC1, regs()));
        assertEquals(Fault.Ppc.ESR_PPR, ppr.esr());
        assertEquals(AT + 4, ppr.srr0(), "the syscall exit has moved nip past the sc 1");
        Fault.Ppc sc = (Fault.Ppc) l.call("an sc that is not a hypercall", l.config(), SC, regs("r0", 0)).fault();
        assertEquals(Fault.Ppc.SYSTEM_CALL, sc.vector());
        assertEquals(AT + 4, sc.srr0());

        SingleCall.Result papr = l.call("a PAPR hcall the kernel does not handle", l.config("+papr"), SC1,
                regs("r3", 0x1234_0000L, "r4", 4, "r12", 12));
        Exit.PaprHcall p = (Exit.PaprHcall) papr.exit();
        assertEquals(0x1234_0000L, p.nr());
        assertEquals(4L, p.args().get(0));
        assertEquals(12L, p.args().get(8));
        assertEquals(AT + 4, papr.after().pc(), "the PC is already past the sc 1 at the exit");
        long[] back = new long[9];
        for (int k = 0; k < 9; k++) {
            back[k] = 0x40 + k;
        }
        Map<String, Long> re = Listed.reenter(papr, new Exit.PaprHcall(0x1234_0000L, back, -2));
        assertEquals(-2L, re.get("r3"), "kvm_arch_vcpu_ioctl_run: r3 = papr_hcall.ret");
        assertEquals(0x40L, re.get("r4"), "r4..r12 = papr_hcall.args[0..8]");
        assertEquals(0x48L, re.get("r12"));
        assertEquals(null, re.get("pc"), "the PC is not moved again");
        SingleCall.Result osi = l.call("OSI magic", l.config("+osi"), SC, regs("r3", 0x1137_24FAL, "r4", 0x7781_0F9BL, "r5", 5));
        Exit.Osi o = (Exit.Osi) osi.exit();
        assertEquals(5L, o.gprs().get(5));
        assertEquals(32, o.gprs().size());
        long[] gprs = new long[32];
        gprs[3] = 0x77;
        assertEquals(0x77L, Listed.reenter(osi, new Exit.Osi(gprs)).get("r3"), "osi_needed: all 32 GPRs copied back");
        l.assertEveryEntryDriven();
    }
}
