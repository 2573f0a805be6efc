package dev.hcsim.arch.ppc;

import static dev.hcsim.arch.ppc.PpcPapr.*;

import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.spi.Trap;

/**
 * Book3S PR's in-kernel PAPR hcalls ({@code arch/powerpc/kvm/book3s_pr_papr.c kvmppc_h_pr}) for the states hcsim
 * can express. The VMM registers no hashed page table here ({@code sdr1} = 0), so {@code get_pteg_addr} points into
 * the first 256 KiB of the VMM's address space, where {@code copy_from_user} fails: the HPT calls answer H_FUNCTION
 * after their parameter checks. No TCE table ({@code KVM_CREATE_SPAPR_TCE_64}), in-kernel MMIO device, XICS or RTAS
 * token exists, so those calls are "too hard" and go to the host.
 */
final class PpcPaprPr {
    // H_BULK_REMOVE request fields (book3s_pr_papr.c).
    static final long BULK_TYPE = 0xC000_0000_0000_0000L;
    static final long BULK_REQUEST = 0x4000_0000_0000_0000L;
    static final long BULK_RESPONSE = 0x8000_0000_0000_0000L;
    static final long BULK_END = 0xC000_0000_0000_0000L;
    static final long BULK_PARM = 0x2000_0000_0000_0000L;
    static final long BULK_FLAGS = 0x0300_0000_0000_0000L;
    static final long BULK_ANDCOND = 0x0100_0000_0000_0000L;
    static final long BULK_AVPN = 0x0200_0000_0000_0000L;
    static final long BULK_PTEX = 0x00FF_FFFF_FFFF_FFFFL;
    /** H_SET_MODE_RESOURCE_ADDR_TRANS_MODE (hvcall.h). */
    static final long SET_MODE_ADDR_TRANS_MODE = 3;

    private PpcPaprPr() {
    }

    /** kvmppc_h_pr: true when the kernel answered (EMULATE_DONE), false for the exit to the host (EMULATE_FAIL). */
    static boolean handle(Trap t, PpcVm vm, PpcPapr papr, long cmd) {
        if (!papr.enabled(cmd)) {
            return false;
        }
        RegisterAccess r = t.registers();
        if (cmd == H_ENTER || cmd == H_REMOVE || cmd == H_PROTECT) {
            answer(t, H_FUNCTION); // copy_from_user of the PTEG fails: ret = H_FUNCTION; goto done
            return true;
        }
        if (cmd == H_BULK_REMOVE) {
            bulkRemove(t, r);
            return true;
        }
        if (cmd == H_CEDE) {
            // kvmppc_set_msr_fast(vcpu, msr | MSR_EE); kvm_vcpu_halt(vcpu); r3 is not written.
            r.set(PpcRegisters.MSR, r.get(PpcRegisters.MSR) | PpcRegisters.MSR_EE);
            t.halt(); // no status is set: nothing is written to r3
            return true;
        }
        if (cmd == H_SET_MODE && r.get(5) == SET_MODE_ADDR_TRANS_MODE) {
            // kvmppc_h_pr_set_mode: "KVM PR does not provide AIL!=0 to guests".
            answer(t, r.get(4) == 0 ? H_SUCCESS : H_UNSUPPORTED_FLAG_START - 63);
            return true;
        }
        // H_PUT_TCE (no TCE table: H_TOO_HARD), H_LOGICAL_CI_* (no in-kernel MMIO device: H_TOO_HARD), XICS
        // (kvmppc_xics_enabled false), H_RTAS (no token), other H_SET_MODE resources and everything else: EMULATE_FAIL.
        return false;
    }

    /**
     * kvmppc_h_pr_bulk_remove: up to four (tsh, tsl) pairs in r4..r11, each answered in its tsh register. Every pair the
     * kernel examines ends the loop here (END, a bad type, ANDCOND with AVPN, or the PTEG read that fails without an
     * HPT), so only the first pair, in r4, is ever looked at.
     */
    private static void bulkRemove(Trap t, RegisterAccess r) {
        long tsh = r.get(4);
        long ret;
        if ((tsh & BULK_TYPE) == BULK_END) {
            ret = H_SUCCESS; // exit success
        } else if ((tsh & BULK_TYPE) != BULK_REQUEST) {
            ret = H_PARAMETER;
        } else {
            tsh &= BULK_PTEX | BULK_FLAGS;
            tsh |= BULK_RESPONSE;
            if ((tsh & BULK_ANDCOND) != 0 && (tsh & BULK_AVPN) != 0) {
                r.set(4, tsh | BULK_PARM);
                ret = H_PARAMETER;
            } else {
                ret = H_FUNCTION; // copy_from_user of the PTE fails (no HPT registered)
            }
        }
        answer(t, ret);
    }
}
