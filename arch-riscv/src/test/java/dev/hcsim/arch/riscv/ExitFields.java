package dev.hcsim.arch.riscv;

import dev.hcsim.core.Exit;
import dev.hcsim.core.TrapResult;

/** Reads the fields of the exits the RISC-V module produces, whichever record the exit is. */
final class ExitFields {
    private ExitFields() {
    }

    /** extension_id of an SBI exit, the event type's number of a system event. */
    static long nr(TrapResult r) {
        Exit e = r.exit();
        if (e instanceof Exit.RiscvSbi s) {
            return s.extensionId();
        }
        return ((Exit.SystemEvent) e).type().number();
    }

    /** function_id of an SBI exit. */
    static long functionId(TrapResult r) {
        return ((Exit.RiscvSbi) r.exit()).functionId();
    }

    /** args[i] of an SBI exit, data[i] of a system event. */
    static long arg(TrapResult r, int i) {
        Exit e = r.exit();
        if (e instanceof Exit.RiscvSbi s) {
            return s.args().get(i);
        }
        return ((Exit.SystemEvent) e).data().get(i);
    }

    /** ret[0] as KVM presets it. */
    static long preset(TrapResult r) {
        return ((Exit.RiscvSbi) r.exit()).ret().get(0);
    }

    /** The SBI exit answered with ret[0], ret[1], as a VMM fills run->riscv_sbi.ret. */
    static Exit answer(TrapResult r, long ret0, long ret1) {
        Exit.RiscvSbi s = (Exit.RiscvSbi) r.exit();
        return new Exit.RiscvSbi(s.extensionId(), s.functionId(), s.args(), java.util.List.of(ret0, ret1));
    }
}
