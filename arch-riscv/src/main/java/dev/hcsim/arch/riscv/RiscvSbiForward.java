package dev.hcsim.arch.riscv;

import static dev.hcsim.arch.riscv.RiscvHypercalls.*;

import dev.hcsim.core.Exit;
import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.Status;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.spi.Trap;
import java.util.List;

/**
 * The calls KVM hands to the VMM as {@code KVM_EXIT_RISCV_SBI} (arch/riscv/kvm/vcpu_sbi.c
 * kvm_riscv_vcpu_sbi_forward_handler, vcpu_sbi_forward.c): DBCN, MPXY, the experimental and vendor ranges,
 * the v0.1 console, BASE PROBE_EXT of an experimental or vendor ID, and SUSP. The exit carries
 * extension_id = a7, function_id = a6, args[0..5] = a0..a5, ret[0] preset to SBI_ERR_NOT_SUPPORTED and
 * ret[1] = 0; nothing is written and sepc stays at the ecall. The next KVM_RUN (kvm_riscv_vcpu_sbi_return,
 * once per exit) copies ret[0] to a0 and ret[1] to a1 and adds 4 to sepc.
 *
 * <p>In hcsim the exit is an {@link dev.hcsim.core.Exit.RiscvSbi}; the VMM answers ret[0] and ret[1] by
 * passing it back with its ret filled in to {@code Vm.completeExit} (a single host return is ret[0]).
 */
final class RiscvSbiForward {
    private static final String SRC = "arch/riscv/kvm/vcpu_sbi_forward.c kvm_riscv_vcpu_sbi_forward_handler";
    private static final String[] FORWARDED = new String[SbiExtension.values().length];

    static {
        for (SbiExtension e : SbiExtension.values()) {
            FORWARDED[e.ordinal()] = "SBI " + e.title() + " call (forwarded)";
        }
    }

    private RiscvSbiForward() {
    }

    /**
     * kvm_riscv_vcpu_sbi_forward: the exit, no register written. {@code ext} names the call in traces when
     * the table has no name for it.
     */
    static void forward(Trap t, RiscvVm s, SbiExtension ext) {
        forward(t, s, ext, SBI_RETURN);
    }

    /** As {@link #forward(Trap, RiscvVm, SbiExtension)}, with what re-entry does. */
    static void forward(Trap t, RiscvVm s, SbiExtension ext, Trap.ExitCompletion reentry) {
        RegisterAccess r = t.registers();
        long eid = r.get(RiscvRegisters.A7);
        long fid = r.get(RiscvRegisters.A6);
        if (t.callName() == null) {
            HypercallSpec known = s.vm().hypercalls().lookup(key(eid, fid));
            t.number(key(eid, fid));
            if (known != null) {
                t.callName(known.name());
            } else {
                t.note(FORWARDED[ext.ordinal()]); // undocumented: no kernel name
            }
        }
        t.status(Status.SUCCESS);
        long[] args = new long[6];
        for (int i = 0; i < 6; i++) {
            args[i] = r.get(RiscvRegisters.A0 + i);
        }
        // kvm_riscv_vcpu_sbi_forward_handler: args = a0..a5, ret[0] = SBI_ERR_NOT_SUPPORTED, ret[1] = 0
        t.exitToHost(new Exit.RiscvSbi(eid, fid, args, new long[] {RiscvStatus.SBI_ERR_NOT_SUPPORTED, 0}), reentry);
    }

    /** kvm_riscv_vcpu_sbi_return: a0 = ret[0], a1 = ret[1], sepc + 4. */
    static final Trap.ExitCompletion SBI_RETURN = (t, hostReturn) -> {
        t.result(0, hostReturn);
        t.result(1, ((Exit.RiscvSbi) t.answer()).ret().get(1));
        t.status(RiscvStatus.SBI.decode(hostReturn));
    };

    static void specs(List<HypercallSpec.Builder> l) {
        l.add(call(EXT_DBCN, 0, "SBI_EXT_DBCN_CONSOLE_WRITE", RiscvSbiForward::forwardCall, "a0 = num_bytes, a1 = base_addr_lo, a2 = "
                + "base_addr_hi: KVM_EXIT_RISCV_SBI (the VMM writes the bytes and answers ret[0], ret[1] = bytes written)", SRC,
                Status.SUCCESS).feature(SbiExtension.DBCN.feature()));
        l.add(call(EXT_DBCN, 1, "SBI_EXT_DBCN_CONSOLE_READ", RiscvSbiForward::forwardCall, "a0 = num_bytes, a1/a2 = buffer: "
                + "KVM_EXIT_RISCV_SBI", SRC, Status.SUCCESS).feature(SbiExtension.DBCN.feature()));
        l.add(call(EXT_DBCN, 2, "SBI_EXT_DBCN_CONSOLE_WRITE_BYTE", RiscvSbiForward::forwardCall, "a0 = byte: KVM_EXIT_RISCV_SBI", SRC,
                Status.SUCCESS).feature(SbiExtension.DBCN.feature()));
        l.add(call(EXT_MPXY, 0, "SBI_EXT_MPXY (any function)", RiscvSbiForward::forwardCall, "every function: KVM_EXIT_RISCV_SBI "
                + "(default disabled)", SRC, Status.SUCCESS).feature(SbiExtension.MPXY.feature()));
        l.add(call(EXT_EXPERIMENTAL_START, 0, "SBI_EXT_EXPERIMENTAL (0x08000000-0x08ffffff, any function)", RiscvSbiForward::forwardCall,
                "every EID of the range and every function: KVM_EXIT_RISCV_SBI", SRC, Status.SUCCESS)
                .feature(SbiExtension.EXPERIMENTAL.feature()));
        l.add(call(EXT_VENDOR_START, 0, "SBI_EXT_VENDOR (0x09000000-0x09ffffff, any function)", RiscvSbiForward::forwardCall, "every EID "
                + "of the range and every function: KVM_EXIT_RISCV_SBI", SRC, Status.SUCCESS).feature(SbiExtension.VENDOR.feature()));
    }

    /** The table's handler of a forwarded call (the gate forwards these extensions whole before any lookup). */
    static void forwardCall(Trap t) {
        forward(t, state(t), SbiExtension.ofEid(t.registers().get(RiscvRegisters.A7)));
    }
}
