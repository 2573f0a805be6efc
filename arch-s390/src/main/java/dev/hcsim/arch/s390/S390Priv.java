package dev.hcsim.arch.s390;

import static dev.hcsim.arch.s390.S390Interrupts.swapExternal;
import static dev.hcsim.arch.s390.S390Registers.PREFIX;
import static dev.hcsim.arch.s390.S390Registers.PSWM;
import static dev.hcsim.arch.s390.S390Vm.KEEP_R2;
import static dev.hcsim.arch.s390.S390Vm.REENTER;
import static dev.hcsim.arch.s390.S390Vm.finish;
import static dev.hcsim.arch.s390.S390Vm.operand2;
import static dev.hcsim.arch.s390.S390Vm.pastIntercept;
import static dev.hcsim.arch.s390.S390Vm.problemState;
import static dev.hcsim.arch.s390.S390Vm.setCc;

import dev.hcsim.core.Exit;
import dev.hcsim.core.GuestFault;
import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.SystemEventType;
import dev.hcsim.core.VcpuControl;
import dev.hcsim.core.spi.Trap;

/**
 * The privileged instructions the s390 gate intercepts besides DIAGNOSE and SIGP, as arch/s390/kvm/priv.c
 * handles them: STORE SYSTEM INFORMATION (handle_stsi, the discovery path), LOAD PSW EXTENDED of a wait PSW
 * (handle_lpswe with kvm_s390_handle_wait) and STAP / STPT in problem state.
 */
final class S390Priv {
    private final S390Vm owner;

    S390Priv(S390Vm vm) {
        this.owner = vm;
    }

    /** STORE SYSTEM INFORMATION (arch/s390/kvm/priv.c handle_stsi): fc 0 and 3.2.2; other levels answer cc 3. */
    void stsi(Trap t) {
        RegisterAccess r = t.registers();
        t.callName("STSI");
        if (problemState(r)) {
            owner.program(t, S390Status.PGM_PRIVILEGED_OP, false);
            return;
        }
        long r0 = r.get(0);
        long r1 = r.get(1);
        int fc = (int) ((r0 & 0xF000_0000L) >>> 28);
        int sel1 = (int) (r0 & 0xFF);
        int sel2 = (int) (r1 & 0xFFFF);
        if (fc > 3) {
            // fc 15 needs the CPU-topology facility, which this model does not offer: "no data", cc 3.
            setCc(r, 3);
            finish(t);
            return;
        }
        if ((r0 & 0x0FFF_FF00L) != 0 || (r1 & 0xFFFF_0000L) != 0) {
            owner.program(t, S390Status.PGM_SPECIFICATION, true);
            return;
        }
        if (fc == 0) {
            r.set(0, 3L << 28);
            setCc(r, 0);
            finish(t);
            return;
        }
        long operand = operand2(t);
        if ((operand & 0xFFF) != 0) {
            owner.program(t, S390Status.PGM_SPECIFICATION, true);
            return;
        }
        if (fc != 3 || sel1 != 2 || sel2 != 2) {
            // fc 1 and 2 describe the host machine and LPAR (stsi on the host): not modelled, "no data" cc 3.
            setCc(r, 3);
            finish(t);
            return;
        }
        try {
            t.memory().writeCopy(S390Registers.realToAbsolute(operand, r.get(PREFIX)), owner.sysib, 0, owner.sysib.length);
        } catch (GuestFault f) {
            owner.program(t, S390Status.PGM_ADDRESSING, false);
            return;
        }
        setCc(r, 0);
        r.set(0, 0);
        if (owner.userspaceExit) {
            // KVM_CAP_S390_USER_STSI: after storing the block KVM exits so that userspace can complete it
            // (priv.c insert_stsi_usr_data: addr, ar, fc, sel1, sel2); the PSW already points past the STSI.
            int ar = t.insnByte(2) >>> 4; // kvm_s390_get_base_disp_s: the access register is the B2 field
            t.exitToHost(new Exit.S390Stsi(operand, ar, fc, sel1, sel2), KEEP_R2);
            pastIntercept(t);
        }
        finish(t);
    }

    /** STAP and STPT reach the gate only in problem state: privileged operation. */
    void privileged(Trap t, String name) {
        t.callName(name);
        owner.program(t, S390Status.PGM_PRIVILEGED_OP, false);
    }

    /**
     * LPSWE reaches the gate in problem state (privileged operation) or with a wait PSW: an enabled
     * wait halts the vCPU until an interruption (kvm_s390_handle_wait), resuming at the PSW address;
     * a disabled wait ends the CPU (QEMU s390_handle_wait: shutdown for the quiesce PSW address
     * ...fff, else a guest crash once no other CPU runs).
     */
    void lpswe(Trap t) {
        RegisterAccess r = t.registers();
        if (problemState(r)) {
            t.callName("LPSWE");
            owner.program(t, S390Status.PGM_PRIVILEGED_OP, false);
            return;
        }
        long real = operand2(t);
        long mask;
        long addr;
        try {
            long abs = S390Registers.realToAbsolute(real, r.get(PREFIX));
            mask = t.memory().read64(abs);
            addr = t.memory().read64(abs + 8);
        } catch (GuestFault f) {
            t.callName("LPSWE");
            owner.program(t, S390Status.PGM_ADDRESSING, false);
            return;
        }
        r.set(PSWM, mask & ~S390Registers.PSW_MASK_WAIT);
        t.resumeAt(addr);
        if ((mask & S390Registers.PSW_MASK_WAIT) == 0) {
            t.callName("LPSWE");
        } else if ((mask & (S390Registers.PSW_MASK_IO | S390Registers.PSW_MASK_EXT)) != 0) {
            t.callName("LPSWE");
            t.note("enabled wait");
            int v = t.vcpu();
            if ((mask & S390Registers.PSW_MASK_EXT) != 0 && owner.pendingExternal[v] != 0
                    && swapExternal(t.memory(), r, owner.pendingExternal[v], owner.pendingExternalFrom[v], mask, addr)) {
                // A pending external call is deliverable now: the wait does not wait (kvm_s390_handle_wait finds a
                // deliverable interrupt), the interruption is taken with the wait PSW as its old PSW. The halt
                // returns at once on the interruption the scheduler holds pending since it was sent.
                owner.pendingExternal[v] = 0;
                t.resumeAt(r.pc());
            } else {
                owner.waiting[v] = true;
                owner.waitPswMask[v] = mask;
            }
            t.halt();
        } else {
            t.callName("LPSWE");
            t.note("disabled wait");
            VcpuControl c = t.control();
            if (owner.othersDown(c, t.vcpu())) {
                t.note((addr & 0xFFF) == 0xFFF ? "disabled wait, quiesce PSW" : "disabled wait");
                // KVM leaves a disabled wait to user space (kvm_s390_handle_wait: -EOPNOTSUPP); QEMU's s390_handle_wait
                // shuts down for the quiesce PSW address ...fff, else reports a guest crash. One event per trap: this
                // trap's answer, in KVM's system-event words.
                r.pc(addr); // the wait PSW is loaded when the wait is intercepted: the VMM sees it
                t.exitToHost(new Exit.SystemEvent((addr & 0xFFF) == 0xFFF ? SystemEventType.SHUTDOWN : SystemEventType.CRASH), REENTER);
                return;
            }
            t.stop();
        }
        finish(t);
    }
}
