package dev.hcsim.arch.ppc;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.TrapContract;

/**
 * The KVM paravirtual hypercall contract as data. Sources: {@code arch/powerpc/kvm/powerpc.c
 * kvmppc_kvm_pv} (token in r11 as a C {@code int}, params r3..r6 cut to 32 bits without MSR[SF],
 * r3 = status, r4 always written), {@code book3s_pr.c kvmppc_handle_exit_pr} and {@code booke.c
 * kvmppc_handle_exit} (how the trap is recognised), {@code Documentation/virt/kvm/ppc-pv.rst} and
 * {@code arch/powerpc/include/asm/epapr_hcalls.h} (r3..r10 in, r3..r11 out, r0 and r3..r12 clobbered).
 */
public final class PpcContract {
    /** The contract. */
    public static final TrapContract CONTRACT = TrapContract.builder(PpcRegisters.LAYOUT)
            .trapInstructions("sc (44 00 00 02) with r0 = KVM_SC_MAGIC_R0 0x4b564d21 [Book3S PR, BookE PR];"
                    + " sc 1 (44 00 00 22) [BookE HV]; PAPR hcalls: sc 1 with r3 = H_* opcode [Book3S HV; Book3S PR with feature papr]")
            .number("r11", 32)
            .arguments("r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10")
            .results("r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11")
            .unsetResults(TrapContract.UnsetResults.UNCHANGED)
            .narrow(true, false, "without MSR[SF] (every 32-bit guest, and literally every BookE guest, whose 64-bit bit is"
                    + " MSR[CM]) params r3..r6 are cut to 32 bits; the token is always the low 32 bits of r11"
                    + " (arch/powerpc/kvm/powerpc.c kvmppc_kvm_pv)")
            .pcRule("the system call interrupt leaves SRR0 past the sc; KVM resumes the guest there (PC + 4)")
            .privilegeRule("supervisor only: with MSR[PR] = 1 Book3S/BookE PR treat sc as the guest's own system call"
                    + " (vector 0xc00), BookE HV injects a program interrupt with ESR = ESR_PPR 0x04000000 and SRR0 past the"
                    + " sc 1, Book3S HV one with SRR1_PROGPRIV (book3s_pr.c kvmppc_handle_exit_pr, booke.c kvmppc_handle_exit,"
                    + " book3s_hv.c kvmppc_handle_exit_hv)")
            .note("Book3S PR / BookE PR: a KVM hypercall only when (u32)r0 == KVM_SC_MAGIC_R0 0x4b564d21 ('KVM!');"
                    + " otherwise a guest system call reflected to vector 0xc00 (book3s_pr.c kvmppc_handle_exit_pr)")
            .note("PAPR hcalls (sc 1 in supervisor state, r3 = H_* opcode, r4..r12 arguments, r3 = H_* status; Book3S PR with"
                    + " feature papr, and Book3S HV): the kernel answers the ones it implements and the VM's enabled-hcall bitmap"
                    + " allows (KVM_CAP_PPC_ENABLE_HCALL: options papr-enable, papr-disable); every other goes to the host as"
                    + " KVM_EXIT_PAPR_HCALL with nr = r3 and args = r4..r12, and re-entry writes r3 = ret and r4..r12 = args")
            .note("PAPR flavour " + PpcPapr.describe(PpcHost.BOOK3S_PR))
            .note("PAPR flavour " + PpcPapr.describe(PpcHost.BOOK3S_HV))
            .note("Book3S HV: sc (LEV 0) goes straight to the guest's handler; sc 1 from problem state is a program interrupt"
                    + " with SRR1_PROGPRIV (radix guest, book3s_hv.c kvmppc_handle_exit_hv); the KVM PV hypercalls (r0 magic) and"
                    + " the magic page do not exist")
            .note("KVM writes only r3 (EV_* status) and r4 (second result, always; 0 when unused); r5..r11 come back"
                    + " unchanged although ePAPR reserves them as outputs (powerpc.c kvmppc_kvm_pv)")
            .note("token = vendor << 16 | number: KVM vendor 42 (KVM_HCALL_TOKEN), ePAPR vendor 1 (EV_HCALL_TOKEN)"
                    + " (arch/powerpc/include/uapi/asm/epapr_hcalls.h)")
            .note("unknown tokens answer EV_UNIMPLEMENTED (12) in r3 and 0 in r4; the generic KVM_ENOSYS is not used here")
            .fault(new Fault.Ppc(PpcVm.VECTOR_ISI, 0, PpcVm.SRR1_ISI_NOPT, 0), "nothing readable at the PC: instruction storage "
                    + "interrupt, SRR1 no translation", "arch/powerpc/kvm/book3s.c kvmppc_core_queue_inst_storage; hcsim PpcVm.trap",
                    Outcome.FAULT)
            .fault(new Fault.Ppc(Fault.Ppc.PROGRAM, 0, PpcVm.SRR1_PROGILL, 0), "Book3S: a word that is not sc (or msgsnd on a "
                    + "host that does not emulate it): program interrupt, SRR1_PROGILL", "arch/powerpc/kvm/book3s.c "
                    + "kvmppc_core_queue_program", Outcome.FAULT)
            .fault(new Fault.Ppc(Fault.Ppc.PROGRAM, 0, 0, Fault.Ppc.ESR_PIL), "BookE: a word that is not sc (or msgsnd on BookE "
                    + "PR): program interrupt, ESR_PIL", "arch/powerpc/kvm/booke.c emulation_exit (EMULATE_FAIL)", Outcome.FAULT)
            .fault(new Fault.Ppc(Fault.Ppc.PROGRAM, 0, PpcVm.SRR1_PROGPRIV, 0), "Book3S HV: sc 1 from problem state: program "
                    + "interrupt, SRR1_PROGPRIV", "arch/powerpc/kvm/book3s_hv.c kvmppc_handle_exit_hv", Outcome.FAULT)
            .fault(new Fault.Ppc(Fault.Ppc.PROGRAM, 0, 0, Fault.Ppc.ESR_PPR), "BookE HV: sc 1 or msgsnd from problem state: "
                    + "program interrupt, ESR_PPR", "arch/powerpc/kvm/booke.c kvmppc_handle_exit", Outcome.FAULT)
            .fault(new Fault.Ppc(Fault.Ppc.SYSTEM_CALL, 0, 0, 0), "an sc that is not a hypercall (sc LEV=0 on HV hosts, r0 not "
                    + "KVM_SC_MAGIC_R0 or problem state on PR): the guest's own 0xc00 handler, SRR0 = PC + 4",
                    "arch/powerpc/kvm/book3s_pr.c kvmppc_handle_exit_pr, booke.c kvmppc_handle_exit", Outcome.NOT_A_HYPERCALL)
            .exit(new Exit.PaprHcall(0, new long[9], 0), "a PAPR hcall the kernel does not handle (or hands to user space): nr = "
                    + "r3, args = r4..r12; the PC already past the sc 1; re-entry writes r3 = ret and r4..r12 = args",
                    "arch/powerpc/kvm/book3s_hv.c kvmppc_pseries_do_hcall, book3s_pr.c kvmppc_h_pr; powerpc.c "
                    + "kvm_arch_vcpu_ioctl_run (KVM_EXIT_PAPR_HCALL re-entry)")
            .exit(new Exit.Osi(new long[32]), "Book3S PR with KVM_CAP_PPC_OSI: sc with r3/r4 = the OSI magic; all 32 GPRs go "
                    + "out, re-entry copies them back", "arch/powerpc/kvm/book3s_pr.c kvmppc_handle_exit_pr; powerpc.c "
                    + "kvm_arch_vcpu_ioctl_run (osi_needed)")
            .build();

    private PpcContract() {
    }
}
