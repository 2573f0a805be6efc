package dev.hcsim.core.spi;

import dev.hcsim.core.Exit;
import java.util.List;

/**
 * The return field of each exit payload: what a VMM writes into {@code struct kvm_run} before the
 * next {@code KVM_RUN} when it answers with one value.
 */
final class ExitPayloads {
    private ExitPayloads() {
    }

    /**
     * The exit's return value: {@code hypercall.ret}, {@code papr_hcall.ret}, {@code riscv_sbi.ret[0]},
     * {@code hyperv.u.hcall.result} or {@code xen.u.hcall.result}; 0 for a payload without one.
     * @param e an exit
     * @return its return value
     */
    static long returnValue(Exit e) {
        if (e instanceof Exit.Hypercall h) {
            return h.ret();
        } else if (e instanceof Exit.PaprHcall p) {
            return p.ret();
        } else if (e instanceof Exit.RiscvSbi s) {
            return s.ret().get(0);
        } else if (e instanceof Exit.HypervHcall h) {
            return h.result();
        } else if (e instanceof Exit.XenHcall x) {
            return x.result();
        }
        return 0;
    }

    /**
     * {@code e} with its return value replaced by {@code ret} (the same record for a payload without one).
     * @param e an exit
     * @param ret the host's return value
     * @return the answered exit
     */
    static Exit withReturn(Exit e, long ret) {
        if (e instanceof Exit.Hypercall h) {
            return new Exit.Hypercall(h.nr(), h.args(), ret, h.flags());
        } else if (e instanceof Exit.PaprHcall p) {
            return new Exit.PaprHcall(p.nr(), p.args(), ret);
        } else if (e instanceof Exit.RiscvSbi s) {
            return new Exit.RiscvSbi(s.extensionId(), s.functionId(), s.args(), List.of(ret, s.ret().get(1)));
        } else if (e instanceof Exit.HypervHcall h) {
            return new Exit.HypervHcall(h.input(), ret, h.params());
        } else if (e instanceof Exit.XenHcall x) {
            return new Exit.XenHcall(x.longmode(), x.cpl(), x.input(), ret, x.params());
        }
        return e;
    }
}
