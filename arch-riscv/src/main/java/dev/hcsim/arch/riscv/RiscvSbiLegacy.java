package dev.hcsim.arch.riscv;

import static dev.hcsim.arch.riscv.RiscvHypercalls.*;

import dev.hcsim.core.Fault;
import dev.hcsim.core.GuestFault;
import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.Status;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.spi.Trap;
import dev.hcsim.core.spi.VmContext;
import java.util.List;

/**
 * The legacy SBI v0.1 calls, one extension ID each and the function ID ignored
 * (arch/riscv/kvm/vcpu_sbi_v01.c kvm_sbi_ext_v01_handler, CONFIG_RISCV_SBI_V01). They write a0 only: the
 * dispatcher leaves a1 alone for them ({@code ext_is_v01}). The console calls are forwarded to the VMM.
 */
final class RiscvSbiLegacy {
    private static final String SRC = "arch/riscv/kvm/vcpu_sbi_v01.c kvm_sbi_ext_v01_handler";
    static final String MASK_FAULT = "load access fault reading the v0.1 hart mask (scause 5, redirected to the guest)";

    private RiscvSbiLegacy() {
    }

    /** SET_TIMER(a0 = stime_value): as TIME SET_TIMER, without the PMU count. */
    static void setTimer(Trap t) {
        programTimer(t, state(t), t.arg(0));
        success(t);
    }

    /** CONSOLE_PUTCHAR / CONSOLE_GETCHAR: "cannot be handled in kernel so we forward these to user-space". */
    static void console(Trap t) {
        RiscvSbiForward.forward(t, state(t), SbiExtension.V01);
    }

    /** CLEAR_IPI: kvm_riscv_vcpu_unset_interrupt(IRQ_VS_SOFT) on the caller: sip.SSIP cleared. */
    static void clearIpi(Trap t) {
        RegisterAccess r = t.registers();
        r.set(RiscvRegisters.SIP, r.get(RiscvRegisters.SIP) & ~(1L << IRQ_S_SOFT));
        success(t);
    }

    /**
     * The hart mask of SEND_IPI and the remote fences: a0 = 0 means every online vCPU, otherwise a0 is the
     * guest address of an unsigned long read with kvm_riscv_vcpu_unpriv_read (guest-physical here: no
     * guest MMU is simulated). Returns the mask, or null when the read faulted (the trap is then set).
     */
    static Long hartMask(Trap t) {
        long a0 = t.arg(0);
        if (a0 == 0) {
            int n = t.vm().vcpuCount();
            return n >= 64 ? -1L : (1L << n) - 1;
        }
        try {
            return t.memory().read64(a0);
        } catch (GuestFault f) {
            // utrap.scause set: kvm_riscv_vcpu_trap_redirect, no sepc advance, nothing written.
            t.fault(new Fault.RiscV(EXC_LOAD_ACCESS, a0, t.pc()), MASK_FAULT); // stval = the mask's address
            return null;
        }
    }

    /** SEND_IPI(a0 = pointer to the hart mask): IRQ_VS_SOFT to each vCPU whose id is a set bit. */
    static void sendIpi(Trap t) {
        Long mask = hartMask(t);
        if (mask == null) {
            return;
        }
        VmContext vm = t.vm();
        for (int bit = 0; bit < 64; bit++) {
            if ((mask & (1L << bit)) != 0) {
                int i = vm.vcpuIndex(bit);
                if (i >= 0) { // KVM passes kvm_get_vcpu_by_id's NULL on to kvm_riscv_vcpu_set_interrupt; hcsim skips it
                    t.control().interrupt(i, IRQ_S_SOFT);
                }
            }
        }
        success(t);
    }

    /** REMOTE_FENCE_I, REMOTE_SFENCE_VMA(a1 start, a2 size), REMOTE_SFENCE_VMA_ASID(a3 asid): the mask is read, no TLB is simulated. */
    static void remoteFence(Trap t) {
        if (hartMask(t) != null) {
            success(t);
        }
    }

    /** SHUTDOWN: KVM_EXIT_SYSTEM_EVENT SHUTDOWN with data[0] = 0, every vCPU stopped. */
    static void shutdown(Trap t) {
        systemEvent(t, SYSTEM_EVENT_SHUTDOWN, 0, "shutdown (SBI v0.1 SHUTDOWN)");
    }

    static void specs(List<HypercallSpec.Builder> l) {
        String f = SbiExtension.V01.feature();
        l.add(call(EXT_0_1_SET_TIMER, 0, "SBI_EXT_0_1_SET_TIMER", RiscvSbiLegacy::setTimer, "a0 = deadline; a0 = 0, a1 untouched",
                SRC, Status.SUCCESS).feature(f));
        l.add(call(EXT_0_1_CONSOLE_PUTCHAR, 0, "SBI_EXT_0_1_CONSOLE_PUTCHAR", RiscvSbiLegacy::console, "a0 = character: "
                + "KVM_EXIT_RISCV_SBI; on re-entry a0 = ret[0], a1 = ret[1]", SRC, Status.SUCCESS).feature(f));
        l.add(call(EXT_0_1_CONSOLE_GETCHAR, 0, "SBI_EXT_0_1_CONSOLE_GETCHAR", RiscvSbiLegacy::console, "KVM_EXIT_RISCV_SBI; on "
                + "re-entry a0 = ret[0] (the character or -1), a1 = ret[1]", SRC, Status.SUCCESS).feature(f));
        l.add(call(EXT_0_1_CLEAR_IPI, 0, "SBI_EXT_0_1_CLEAR_IPI", RiscvSbiLegacy::clearIpi, "clears the caller's SSIP", SRC,
                Status.SUCCESS).feature(f));
        l.add(call(EXT_0_1_SEND_IPI, 0, "SBI_EXT_0_1_SEND_IPI", RiscvSbiLegacy::sendIpi, "a0 = address of the hart mask (0: all "
                + "harts): IRQ_VS_SOFT to each; an unreadable mask is a load fault for the guest", SRC, Status.SUCCESS).feature(f));
        l.add(call(EXT_0_1_REMOTE_FENCE_I, 0, "SBI_EXT_0_1_REMOTE_FENCE_I", RiscvSbiLegacy::remoteFence, "a0 = address of the "
                + "hart mask", SRC, Status.SUCCESS).feature(f));
        l.add(call(EXT_0_1_REMOTE_SFENCE_VMA, 0, "SBI_EXT_0_1_REMOTE_SFENCE_VMA", RiscvSbiLegacy::remoteFence, "a0 = address of "
                + "the hart mask, a1 start, a2 size", SRC, Status.SUCCESS).feature(f));
        l.add(call(EXT_0_1_REMOTE_SFENCE_VMA_ASID, 0, "SBI_EXT_0_1_REMOTE_SFENCE_VMA_ASID", RiscvSbiLegacy::remoteFence, "a0 = "
                + "address of the hart mask, a1 start, a2 size, a3 asid", SRC, Status.SUCCESS).feature(f));
        l.add(call(EXT_0_1_SHUTDOWN, 0, "SBI_EXT_0_1_SHUTDOWN", RiscvSbiLegacy::shutdown, "KVM_EXIT_SYSTEM_EVENT SHUTDOWN, data[0] "
                + "= 0, every hart stopped", SRC, Status.SUCCESS).feature(f));
    }
}
