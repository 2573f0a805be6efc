package dev.hcsim.arch.s390;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.SystemEventType;
import dev.hcsim.core.TrapContract;

/**
 * The s390 trap contract as data: KVM's hypercall convention for DIAGNOSE 0x500 (r1 = subcode,
 * r2..r7 = arguments 1..6, r2 = result; arch/s390/include/asm/kvm_para.h kvm_hypercall0..6 and
 * Documentation/virt/kvm/s390/s390-diag.rst), plus the rules of the other function codes, which name
 * their registers through the instruction's R1/R3 fields.
 */
public final class S390Contract {
    private static final TrapContract CONTRACT = TrapContract.builder(S390Registers.layout())
            .trapInstructions("diag R1,R3,D2(B2) (83 R1R3 B2D2; function code = low 16 bits of (B2 ? GPR[B2] : 0) + D2); "
                    + "also intercepted: sigp (AE), stsi (B27D), lpswe of a wait PSW (B2B2)")
            .number("r1", 64)
            .arguments("r2", "r3", "r4", "r5", "r6", "r7")
            .results("r2")
            .unsetResults(TrapContract.UnsetResults.UNCHANGED)
            .narrow(false, false, "none: KVM reads and writes full 64-bit registers for DIAGNOSE in every addressing mode "
                    + "(arch/s390/kvm/diag.c uses vcpu->run->s.regs.gprs directly)")
            .pcRule("the PSW address advances past the 4-byte DIAGNOSE (SIE intercepts with the PSW already updated); a program "
                    + "interruption stores the old PSW pointing after the DIAGNOSE (arch/s390/kvm/interrupt.c __deliver_prog) and "
                    + "loads the program new PSW from lowcore 0x1D0; DIAG 0x308 subcodes 0, 1, 3, 4 do not return")
            .privilegeRule("DIAGNOSE is privileged: in problem state (PSW bit 15) it is a privileged-operation program interruption "
                    + "(0x0002) before the function code is looked at (arch/s390/kvm/diag.c kvm_s390_handle_diag)")
            .note("function code: kvm_s390_get_base_disp_rs(vcpu, NULL) & 0xffff; register 0 as base means no base; bits 0-47 "
                    + "are ignored (arch/s390/kvm/kvm-s390.h; Documentation/virt/kvm/s390/s390-diag.rst)")
            .note("DIAG 0x500 compares r1 with all 64 bits: r1 = 0x100000003 is not subcode 3 (diag.c __diag_virtio_hypercall; "
                    + "QEMU hw/s390x/s390-hypercall.c handle_diag_500)")
            .note("an unknown function code or 0x500 subcode is a specification exception (0x0006) with r2 unchanged "
                    + "(QEMU target/s390x/kvm/kvm.c handle_diag; s390-hypercall.c)")
            .note("other codes name registers through R1/R3: 0x10 GPR[R1] = start, GPR[R3] = last page; 0x9c GPR[R1] = target CPU "
                    + "address (int); 0x258 GPR[R1] = parameter block (real), GPR[R3] := return code; 0x288 GPR[R1] = function, "
                    + "GPR[R1+1] = timeout, GPR[R3] = action; 0x308 GPR[R1] = address, GPR[R3] = subcode, GPR[R1+1] := result; "
                    + "0x318 GPR[R1] = code (arch/s390/kvm/diag.c; QEMU target/s390x/diag.c)")
            .note("the condition code is never changed by DIAGNOSE; SIGP sets it (0 accepted, 1 status stored in the low 32 bits "
                    + "of R1, 2 busy, 3 not operational; arch/s390/kvm/sigp.c kvm_s390_handle_sigp)")
            .fault(new Fault.S390(Fault.S390.ADDRESSING, 0, 0), "nothing readable at the PSW address: addressing exception "
                    + "on the fetch (nullified, ILC 0)", "Principles of Operation; hcsim S390Vm.trap", Outcome.FAULT)
            .fault(new Fault.S390(Fault.S390.OPERATION, 2, 0), "an instruction KVM does not intercept: operation exception, "
                    + "ILC from the opcode, old PSW past it", "Principles of Operation; hcsim S390Vm.trap", Outcome.FAULT)
            .fault(new Fault.S390(Fault.S390.PRIVILEGED_OP, 2, 0), "DIAGNOSE, SIGP, STSI, LPSWE, STAP or STPT in problem state; "
                    + "delivered through the program new PSW when the lowcore has one (INTERRUPTED), else for the embedder (FAULT)",
                    "arch/s390/kvm/diag.c kvm_s390_handle_diag, sigp.c kvm_s390_handle_sigp, priv.c; interrupt.c __deliver_prog",
                    Outcome.FAULT, Outcome.INTERRUPTED)
            .fault(new Fault.S390(Fault.S390.SPECIFICATION, 2, 0), "an unknown or not offered DIAGNOSE code or DIAG 0x500 subcode, "
                    + "a bad DIAG operand, STSI with reserved bits or an unaligned block", "arch/s390/kvm/diag.c, priv.c handle_stsi; "
                    + "QEMU target/s390x/kvm/kvm.c handle_diag; interrupt.c __deliver_prog", Outcome.FAULT, Outcome.INTERRUPTED)
            .fault(new Fault.S390(Fault.S390.ADDRESSING, 2, 0), "a DIAGNOSE parameter block, an STSI block or an LPSWE operand "
                    + "outside guest memory", "arch/s390/kvm/gaccess.c access_guest_real, kvm_s390_inject_prog_cond; interrupt.c "
                    + "__deliver_prog", Outcome.FAULT, Outcome.INTERRUPTED)
            .fault(new Fault.S390(Fault.S390.OPERATION, 2, 0), "DIAG 0x501 (software breakpoint) without a debugger",
                    "QEMU target/s390x/kvm/kvm.c handle_sw_breakpoint, handle_instruction", Outcome.FAULT, Outcome.INTERRUPTED)
            .exit(new Exit.S390Sieic(Exit.S390Sieic.ICPT_INST, 0, 0), "a DIAGNOSE KVM leaves to user space with option "
                    + "userspace=exit, DIAG 0x500 without a matching ioeventfd, or legacy-virtio=userspace; in a user-controlled VM "
                    + "(vm-type=ucontrol) every intercepted instruction (icptcode 8 for a DIAGNOSE in problem state): icptcode 4, ipa, ipb; "
                    + "the PSW already past the DIAGNOSE, r2 kept on re-entry", "arch/s390/kvm/kvm-s390.c vcpu_post_run, "
                    + "kvm_handle_sie_intercept; diag.c __diag_virtio_hypercall")
            .exit(new Exit.S390Reset(0), "DIAG 0x308 subcode 3 (flags 0x1e) or 4 (flags 0x1c): the vCPU stops",
                    "arch/s390/kvm/diag.c __diag_ipl_functions")
            .exit(new Exit.S390Stsi(0, 0, 0, 0, 0), "STSI 3.2.2 with option userspace=exit (KVM_CAP_S390_USER_STSI): after the "
                    + "block is stored; addr, ar, fc, sel1, sel2", "arch/s390/kvm/priv.c handle_stsi, insert_stsi_usr_data")
            .exit(new Exit.SystemEvent(SystemEventType.RESET), "DIAG 0x308 subcode 0 or 1, or the DIAG 0x288 watchdog expired "
                    + "(QEMU's default action): QEMU resets the system", "QEMU target/s390x/diag.c handle_diag_308, "
                    + "hw/watchdog/wdt_diag288.c")
            .exit(new Exit.SystemEvent(SystemEventType.SHUTDOWN), "a disabled wait with the quiesce PSW address ...fff while no "
                    + "other CPU runs", "arch/s390/kvm/kvm-s390.c kvm_s390_handle_wait (-EOPNOTSUPP); QEMU target/s390x/kvm/kvm.c "
                    + "s390_handle_wait")
            .exit(new Exit.SystemEvent(SystemEventType.CRASH), "any other disabled wait while no other CPU runs",
                    "QEMU target/s390x/kvm/kvm.c s390_handle_wait (guest crash)")
            .exit(new Exit.Debug(0), "DIAG 0x501 with a debugger (feature sw-breakpoints): the PSW on the DIAGNOSE",
                    "QEMU target/s390x/kvm/kvm.c handle_sw_breakpoint; KVM_EXIT_DEBUG")
            .build();

    private S390Contract() {
    }

    /**
     * The contract.
     * @return the s390 hypercall contract (DIAGNOSE 0x500, function in r1, arguments in r2..r7, result in r2)
     */
    public static TrapContract contract() {
        return CONTRACT;
    }
}
