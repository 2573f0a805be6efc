package dev.hcsim.arch.ppc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.TrapResult;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.Machine;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Issue 20, PowerPC: the PAPR host flavours and the other differences an audit of today's kernel found. Sources:
 * arch/powerpc/kvm/book3s_pr_papr.c ({@code kvmppc_h_pr}, {@code default_hcall_list}), book3s_hv.c
 * ({@code kvmppc_pseries_do_hcall}, {@code kvmppc_cede}, {@code do_h_register_vpa}, {@code kvmppc_h_set_mode},
 * {@code kvmppc_h_page_init}, {@code kvmppc_handle_exit_hv}), book3s_pr.c ({@code kvmppc_handle_exit_pr},
 * {@code kvmppc_inject_interrupt_pr}), booke.c ({@code kvmppc_handle_exit}), powerpc.c
 * ({@code kvm_arch_vcpu_ioctl_run}: hcall_needed, osi_needed; {@code kvm_vm_ioctl_enable_cap}).
 */
class PpcKernelFidelityTest {
    private static final long PC = 0x2000;
    private static final long H_FUNCTION = -2;
    private static final long H_PARAMETER = -4;

    /** A VM with its scheduler, for one trap at a time. */
    private static final class Rig {
        final Vm vm;
        final Machine m;

        Rig(VmConfig.Builder b) {
            vm = Vm.create(b.vcpus(Math.max(2, b.build().vcpus())).build());
            m = new Machine(vm, "t");
        }

        RegisterFile regs(int v) {
            return m.registers(v);
        }

        TrapResult trap(int v, String insn, long... r3up) {
            m.load(PC, vm.assemble(insn, PC).bytes());
            RegisterFile r = regs(v);
            r.pc(PC);
            for (int i = 0; i < r3up.length; i++) {
                r.set(3 + i, r3up[i]);
            }
            return vm.trap(v, r, m.memory(), m);
        }
    }

    private static Rig pr(String... options) {
        return new Rig(PpcTestSupport.config(options).feature("papr", true));
    }

    private static Rig hv(String... options) {
        String[] o = new String[options.length + 2];
        o[0] = "host";
        o[1] = "book3s-hv";
        System.arraycopy(options, 0, o, 2, options.length);
        return new Rig(PpcTestSupport.config(o));
    }

    // ---------------------------------------------------------------- Book3S PR (kvmppc_h_pr)

    @Test
    @DisplayName("book3s_pr_papr.c kvmppc_h_pr_enter: with no HPT registered copy_from_user fails: r3 = H_FUNCTION, in the kernel")
    void prEnterNoHpt() {
        Rig r = pr();
        TrapResult t = r.trap(0, "sc 1", 0x08, 0, 0x40, 0x1234, 0x5678);
        assertEquals(Outcome.RESUME, t.outcome());
        assertEquals(H_FUNCTION, r.regs(0).get(3));
        assertEquals(0, r.regs(0).get(4), "r4 (pte_index | i) is written only on success");
        assertEquals(PC + 4, r.regs(0).pc());
    }

    @Test
    @DisplayName("book3s_pr_papr.c kvmppc_h_pr_bulk_remove: END stops with H_SUCCESS; ANDCOND|AVPN marks tsh PARM and answers H_PARAMETER")
    void prBulkRemove() {
        Rig r = pr();
        r.trap(0, "sc 1", 0x24C, 0xC000_0000_0000_0000L);
        assertEquals(0, r.regs(0).get(3));
        r.trap(0, "sc 1", 0x24C, 0x4300_0000_0000_0010L);
        assertEquals(H_PARAMETER, r.regs(0).get(3));
        assertEquals(0xA300_0000_0000_0010L, r.regs(0).get(4), "tsh & (PTEX|FLAGS) | RESPONSE | PARM");
        r.trap(0, "sc 1", 0x24C, 0x0000_0000_0000_0010L);
        assertEquals(H_PARAMETER, r.regs(0).get(3), "not a request");
        r.trap(0, "sc 1", 0x24C, 0x4000_0000_0000_0010L);
        assertEquals(H_FUNCTION, r.regs(0).get(3), "the PTE cannot be read");
    }

    @Test
    @DisplayName("book3s_pr_papr.c kvmppc_h_pr H_CEDE: MSR[EE] set, the vCPU halts, r3 keeps the opcode")
    void prCede() {
        Rig r = pr();
        TrapResult t = r.trap(0, "sc 1", 0xE0);
        assertEquals(Outcome.HALT, t.outcome());
        assertEquals(0xE0, r.regs(0).get(3));
        assertTrue((r.regs(0).get(PpcRegisters.MSR) & PpcRegisters.MSR_EE) != 0);
    }

    @Test
    @DisplayName("book3s_pr_papr.c: H_SET_MODE is not in default_hcall_list (exit); enabled, AIL 0 is H_SUCCESS and AIL 3 H_UNSUPPORTED_FLAG_START - 63")
    void prSetMode() {
        Rig off = pr();
        assertEquals("KVM_EXIT_PAPR_HCALL", off.trap(0, "sc 1", 0x31C, 3, 3).exit().reason().kernelName());
        Rig on = pr("papr-enable", "0x31c");
        on.trap(0, "sc 1", 0x31C, 0, 3);
        assertEquals(0, on.regs(0).get(3));
        on.trap(0, "sc 1", 0x31C, 3, 3);
        assertEquals(-256 - 63, on.regs(0).get(3));
        assertEquals("KVM_EXIT_PAPR_HCALL", on.trap(0, "sc 1", 0x31C, 0, 4).exit().reason().kernelName(), "other resources: EMULATE_FAIL");
    }

    @Test
    @DisplayName("powerpc.c KVM_CAP_PPC_ENABLE_HCALL: disabling H_ENTER sends it to the host; an opcode PR does not implement is -EINVAL")
    void prEnableHcall() {
        assertEquals(Outcome.RESUME, pr().trap(0, "sc 1", 0x08).outcome(), "H_ENTER is in default_hcall_list: in the kernel");
        Rig r = pr("papr-disable", "0x8");
        assertEquals("KVM_EXIT_PAPR_HCALL", r.trap(0, "sc 1", 0x08).exit().reason().kernelName());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pr("papr-enable", "0x300"));
        assertTrue(e.getMessage().contains("-EINVAL"), e.getMessage());
    }

    @Test
    @DisplayName("powerpc.c kvm_vm_ioctl_enable_cap: KVM_CAP_PPC_ENABLE_HCALL through the control surface, -EINVAL for args[1] > 1")
    void enableHcallIoctl() {
        Rig r = pr();
        r.vm.control().enableCap(104, 0x08, 0);
        assertEquals("KVM_EXIT_PAPR_HCALL", r.trap(0, "sc 1", 0x08).exit().reason().kernelName());
        r.vm.control().enableCap(104, 0x08, 1);
        assertEquals(Outcome.RESUME, r.trap(0, "sc 1", 0x08).outcome());
        assertThrows(dev.hcsim.core.KvmException.class, () -> r.vm.control().enableCap(104, 0x08, 2));
        assertThrows(dev.hcsim.core.KvmException.class, () -> r.vm.control().enableCap(104, 0x0A, 1));
    }

    @Test
    @DisplayName("book3s_pr.c / powerpc.c: KVM_EXIT_PAPR_HCALL carries r4..r12; re-entry writes r3 = ret and r4..r12 = args[0..8]")
    void paprExitRoundTrip() {
        Rig r = pr();
        for (int i = 4; i <= 12; i++) {
            r.regs(0).set(i, 0x100 + i);
        }
        TrapResult t = r.trap(0, "sc 1", 0x300); // H_RANDOM: not handled by PR
        Exit.PaprHcall e = (Exit.PaprHcall) t.exit();
        assertEquals(0x300, e.nr());
        assertEquals(0x10C, e.args().get(8), "args[8] = r12");
        long[] args = new long[9];
        for (int i = 0; i < 9; i++) {
            args[i] = e.args().get(i);
        }
        args[0] = 0xBEEF; // the host's answer in r4
        r.regs(0).set(12, 0);
        r.vm.completeExit(0, r.regs(0), r.m.memory(), new Exit.PaprHcall(e.nr(), args, 0));
        assertEquals(0, r.regs(0).get(3));
        assertEquals(0xBEEF, r.regs(0).get(4));
        assertEquals(0x10C, r.regs(0).get(12), "r12 written back from args[8]");
        assertEquals(PC + 4, r.regs(0).pc());
    }

    // ---------------------------------------------------------------- Book3S HV (kvmppc_pseries_do_hcall)

    @Test
    @DisplayName("book3s_hv.c kvmppc_cede / H_PROD: cede sets MSR[EE] and halts with r3 = 0; a prod of an unknown vCPU is H_PARAMETER")
    void hvCedeProd() {
        Rig r = hv();
        TrapResult t = r.trap(0, "sc 1", 0xE0);
        assertEquals(Outcome.HALT, t.outcome());
        assertEquals(0, r.regs(0).get(3));
        assertTrue((r.regs(0).get(PpcRegisters.MSR) & PpcRegisters.MSR_EE) != 0);
        r.trap(1, "sc 1", 0xE8, 7);
        assertEquals(H_PARAMETER, r.regs(1).get(3));
        r.trap(1, "sc 1", 0xE8, 0);
        assertEquals(0, r.regs(1).get(3));
        assertEquals(VcpuState.RUNNABLE, r.m.stateOf(0), "the prod woke the ceded vCPU");
    }

    @Test
    @DisplayName("book3s_hv.c H_CONFER: -1 confers to nobody; a yield count that matches (0 without a VPA) yields to a runnable target")
    void hvConfer() {
        Rig r = hv();
        r.m.initialState(1, VcpuState.RUNNABLE);
        TrapResult t = r.trap(0, "sc 1", 0xE4, 1, 0);
        assertEquals(Outcome.YIELD, t.outcome());
        assertEquals(1, t.yieldTarget());
        t = r.trap(0, "sc 1", 0xE4, 1, 5);
        assertEquals(Outcome.RESUME, t.outcome(), "yield count differs");
        r.trap(0, "sc 1", 0xE4, 9, 0);
        assertEquals(H_PARAMETER, r.regs(0).get(3));
    }

    @Test
    @DisplayName("book3s_hv.c do_h_register_vpa: alignment, the lppaca's 640 bytes, a DTL only after a VPA, the VPA deregistered last")
    void hvRegisterVpa() {
        Rig r = hv();
        long regVpa = 1L << 45;
        long regDtl = 2L << 45;
        long deregVpa = 5L << 45;
        r.m.load(0x4004, new byte[] {0x02, (byte) 0x80}); // VPA: reg_vpa.length.hword = 640 (big-endian)
        r.m.load(0x5004, new byte[] {0, 0, 0x01, (byte) 0xE0}); // DTL: length.word = 480
        r.trap(0, "sc 1", 0xDC, regDtl, 1, 0x5000);
        assertEquals(-16, r.regs(0).get(3), "H_RESOURCE: no VPA registered for vCPU 1");
        r.trap(0, "sc 1", 0xDC, regVpa, 1, 0x4010);
        assertEquals(H_PARAMETER, r.regs(0).get(3), "not cache-line aligned");
        r.trap(0, "sc 1", 0xDC, regVpa, 1, 0x4000);
        assertEquals(0, r.regs(0).get(3));
        r.trap(0, "sc 1", 0xDC, regDtl, 1, 0x5000);
        assertEquals(0, r.regs(0).get(3));
        r.trap(0, "sc 1", 0xDC, deregVpa, 1, 0);
        assertEquals(-16, r.regs(0).get(3), "H_RESOURCE: the DTL is still registered");
        r.trap(0, "sc 1", 0xDC, regVpa, 9, 0x4000);
        assertEquals(H_PARAMETER, r.regs(0).get(3), "no vCPU 9");
    }

    @Test
    @DisplayName("book3s_hv.c kvmhv_p9_guest_entry, vcpu_vpa_increment_dispatch: the VPA's yield_count goes up at each guest entry and exit, odd while the vCPU runs guest code")
    void hvYieldCountDispatch() {
        Rig r = hv();
        r.m.load(0x4004, new byte[] {0x02, (byte) 0x80}); // reg_vpa.length.hword = 640
        r.trap(0, "sc 1", 0xDC, 1L << 45, 0, 0x4000); // vCPU 0 registers its own VPA; the re-entry after it counts
        assertEquals(0, r.regs(0).get(3));
        assertEquals(1, yieldCount(r, 0x4000), "entered the guest once with the VPA registered");
        r.trap(0, "sc 1", 0xE8, 7); // H_PROD to nobody: H_PARAMETER, exit and re-entry
        assertEquals(3, yieldCount(r, 0x4000));
        TrapResult t = r.trap(0, "sc 1", 0x20); // H_PUT_TCE without a TCE table: to the host
        assertEquals(Outcome.EXIT_TO_HOST, t.outcome());
        assertEquals(4, yieldCount(r, 0x4000), "even while the host has the hcall");
        r.vm.completeExit(0, r.regs(0), r.m.memory(), 0);
        assertEquals(5, yieldCount(r, 0x4000), "the next KVM_RUN enters the guest");
        assertEquals(Outcome.HALT, r.trap(0, "sc 1", 0xE0).outcome()); // H_CEDE: out of the guest until woken
        assertEquals(6, yieldCount(r, 0x4000));
        r.m.initialState(1, VcpuState.RUNNABLE);
        assertEquals(Outcome.RESUME, r.trap(1, "sc 1", 0xE4, 0, 5).outcome(), "H_CONFER with a stale yield count: no yield");
        assertEquals(Outcome.YIELD, r.trap(1, "sc 1", 0xE4, 0, 6).outcome(), "the count the confer names is the current one: yield");
    }

    private static long yieldCount(Rig r, long vpa) {
        byte[] b = new byte[4];
        r.m.memory().read(vpa + 0x100, b, 0, 4);
        return dev.hcsim.core.Bytes.get(b, 0, 4, true); // lppaca.yield_count, big-endian
    }

    @Test
    @DisplayName("book3s_hv.c kvmppc_h_set_mode (POWER10): CIABR hypervisor privilege is H_P3, DAWR1 without the capability H_FUNCTION")
    void hvSetMode() {
        Rig r = hv("papr-enable", "0x31c");
        r.trap(0, "sc 1", 0x31C, 0, 1, 3, 0);
        assertEquals(-56, r.regs(0).get(3));
        r.trap(0, "sc 1", 0x31C, 0, 5, 0, 0);
        assertEquals(H_FUNCTION, r.regs(0).get(3));
        assertEquals("KVM_EXIT_PAPR_HCALL", r.trap(0, "sc 1", 0x31C, 3, 3, 0, 0).exit().reason().kernelName(), "ADDR_TRANS_MODE: H_TOO_HARD");
        assertEquals("KVM_EXIT_PAPR_HCALL", hv().trap(0, "sc 1", 0x31C, 0, 1, 0, 0).exit().reason().kernelName(), "not enabled by default");
    }

    @Test
    @DisplayName("book3s_hv_rmhandlers.S kvmppc_h_set_xdabr/kvmppc_h_set_dabr: DABRX needs USER or KERNEL and nothing but USER, KERNEL, BTI (else H_PARAMETER); on POWER10 the DABR is emulated in DAWR0: H_SUCCESS")
    void hvSetDabr() {
        Rig r = hv();
        TrapResult t = r.trap(0, "sc 1", 0x28, 0x1234_5007L); // H_SET_DABR: DABRX = USER | KERNEL, no check on the DABR
        assertEquals(Outcome.RESUME, t.outcome(), "in the default bitmap, answered in the kernel");
        assertEquals(0, r.regs(0).get(3));
        r.trap(0, "sc 1", 0x134, 0x1234_5007L, 0); // H_SET_XDABR, DABRX in r5
        assertEquals(H_PARAMETER, r.regs(0).get(3), "andi. r0, r5, DABRX_USER | DABRX_KERNEL; beq 6f");
        r.trap(0, "sc 1", 0x134, 0x1234_5007L, 1 | 4);
        assertEquals(H_PARAMETER, r.regs(0).get(3), "DABRX_HYP: andc. with USER | KERNEL | BTI is non-zero");
        r.trap(0, "sc 1", 0x134, 0x1234_5007L, 2 | 8);
        assertEquals(0, r.regs(0).get(3), "KERNEL | BTI: CPU_FTR_DAWR (POWER10), emulated in DAWR0/DAWRX0");
        assertEquals("KVM_EXIT_PAPR_HCALL", hv("papr-disable", "0x28").trap(0, "sc 1", 0x28, 0).exit().reason().kernelName(),
                "taken out of the bitmap with KVM_CAP_PPC_ENABLE_HCALL, it goes to the host");
    }

    @Test
    @DisplayName("powerpc.c kvm_vm_ioctl_enable_cap: papr-enable takes a comma-separated list, one KVM_CAP_PPC_ENABLE_HCALL per opcode; a non-number item is refused by name")
    void paprEnableList() {
        Rig r = hv("papr-enable", "0x31c, 0x2c");
        r.trap(0, "sc 1", 0x31C, 0, 5, 0, 0);
        assertEquals(H_FUNCTION, r.regs(0).get(3), "H_SET_MODE enabled: answered in the kernel (DAWR1 without the capability)");
        r.trap(0, "sc 1", 0x2C, 1L << (63 - 48), 0x3001, 0);
        assertEquals(H_PARAMETER, r.regs(0).get(3), "H_PAGE_INIT enabled too: answered in the kernel (misaligned destination)");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> hv("papr-enable", "0x31c,zz"));
        assertTrue(e.getMessage().contains("a comma-separated list of numbers"), e.getMessage());
    }

    @Test
    @DisplayName("papr-enable reads every number form the option check accepts (0b binary, _ separators) as the check reads it")
    void paprEnableNumberForms() {
        Rig r = hv("papr-enable", "0b1100011100, 0x0_2c");
        r.trap(0, "sc 1", 0x31C, 0, 5, 0, 0);
        assertEquals(H_FUNCTION, r.regs(0).get(3), "0b1100011100 is 0x31c, H_SET_MODE: answered in the kernel");
        r.trap(0, "sc 1", 0x2C, 1L << (63 - 48), 0x3001, 0);
        assertEquals(H_PARAMETER, r.regs(0).get(3), "0x0_2c is H_PAGE_INIT: answered in the kernel");
    }

    @Test
    @DisplayName("book3s_hv.c kvmppc_h_page_init: H_ZERO_PAGE zeroes 4 KiB; a misaligned destination is H_PARAMETER")
    void hvPageInit() {
        Rig r = hv("papr-enable", "0x2c");
        r.m.load(0x3000, new byte[] {1, 2, 3, 4});
        r.trap(0, "sc 1", 0x2C, 1L << (63 - 48), 0x3000, 0);
        assertEquals(0, r.regs(0).get(3));
        byte[] b = new byte[4];
        r.m.memory().read(0x3000, b, 0, 4);
        assertEquals(0, b[0] | b[1] | b[2] | b[3]);
        r.trap(0, "sc 1", 0x2C, 1L << (63 - 48), 0x3001, 0);
        assertEquals(H_PARAMETER, r.regs(0).get(3));
    }

    @Test
    @DisplayName("book3s_hv.c: HPT calls of a radix guest are H_FUNCTION; H_RANDOM gives r4; TCE, XICS and RTAS go to the host")
    void hvOthers() {
        Rig r = hv();
        r.trap(0, "sc 1", 0x08);
        assertEquals(H_FUNCTION, r.regs(0).get(3));
        assertEquals("KVM_EXIT_PAPR_HCALL", r.trap(0, "sc 1", 0x20).exit().reason().kernelName(), "H_PUT_TCE without a TCE table");
        // the HV flavour's exit is the same typed KVM_EXIT_PAPR_HCALL: nr = r3, args[9] = r4..r12 (book3s_hv.c RESUME_HOST,
        // then powerpc.c kvm_arch_vcpu_ioctl_run copies them out of the vCPU)
        for (int i = 4; i <= 12; i++) {
            r.regs(0).set(i, 0x40 + i);
        }
        Exit.PaprHcall e = (Exit.PaprHcall) r.trap(0, "sc 1", 0x20).exit();
        assertEquals(0x20, e.nr());
        assertEquals(java.util.List.of(0x44L, 0x45L, 0x46L, 0x47L, 0x48L, 0x49L, 0x4AL, 0x4BL, 0x4CL), e.args());
        assertEquals("KVM_EXIT_PAPR_HCALL", r.trap(0, "sc 1", 0x6C).exit().reason().kernelName(), "H_IPI without an in-kernel XICS");
        assertEquals("KVM_EXIT_PAPR_HCALL", r.trap(0, "sc 1", 0xF000).exit().reason().kernelName(), "H_RTAS without tokens");
        Rig rnd = hv("papr-enable", "0x300");
        rnd.trap(0, "sc 1", 0x300, 0, 0);
        assertEquals(0, rnd.regs(0).get(3));
    }

    @Test
    @DisplayName("book3s_hv.c kvmppc_handle_exit_hv: sc 1 from problem state in a radix guest is a program interrupt (SRR1_PROGPRIV)")
    void hvProblemStateSc1() {
        Rig r = hv("privilege", "problem");
        TrapResult t = r.trap(0, "sc 1", 0xE0);
        assertEquals(Outcome.FAULT, t.outcome());
        // kvmppc_core_queue_program(vcpu, SRR1_PROGPRIV): since the typed faults, the fault to inject carries it
        dev.hcsim.core.Fault.Ppc f = (dev.hcsim.core.Fault.Ppc) t.fault();
        assertEquals(dev.hcsim.core.Fault.Ppc.PROGRAM, f.vector());
        assertEquals(PpcVm.SRR1_PROGPRIV, f.srr1() & PpcVm.SRR1_PROGPRIV);
    }

    // ---------------------------------------------------------------- the other PowerPC items

    @Test
    @DisplayName("booke.c kvmppc_handle_exit: sc 1 from problem state on BookE HV queues the program interrupt with SRR0 past the sc 1")
    void bookeHvProblemStateSrr0() {
        Rig r = new Rig(PpcTestSupport.config("host", "booke-hv", "privilege", "problem"));
        TrapResult t = r.trap(0, "sc 1");
        assertEquals(PC + 4, ((dev.hcsim.core.Fault.Ppc) t.fault()).srr0());
    }

    @Test
    @DisplayName("book3s_pr.c kvmppc_inject_interrupt_pr: a 32-bit guest's system call enters with MSR = intr_msr (MSR_SF on a 64-bit host)")
    void prSystemCallIntrMsr() {
        Rig r = new Rig(PpcTestSupport.config("mode", "32"));
        r.regs(0).set(0, 0);
        TrapResult t = r.trap(0, "sc");
        assertEquals(Outcome.NOT_A_HYPERCALL, t.outcome());
        r.vm.archState(PpcVm.class).deliver(0, r.regs(0), t.fault()); // the standalone machine's CPU takes it
        assertEquals(PpcRegisters.MSR_SF, r.regs(0).get(PpcRegisters.MSR));
        assertEquals(0xC00, r.regs(0).pc());
    }

    @Test
    @DisplayName("book3s_pr.c / powerpc.c: KVM_EXIT_OSI copies all 32 GPRs out, and re-entry copies all 32 back")
    void osiCopiesAllGprs() {
        Rig r = new Rig(PpcTestSupport.config().feature("osi", true));
        r.regs(0).set(31, 0x3131);
        TrapResult t = r.trap(0, "sc", 0x1137_24FAL, 0x7781_0F9BL);
        Exit.Osi e = (Exit.Osi) t.exit();
        assertEquals(0x3131, e.gprs().get(31));
        long[] g = new long[32];
        for (int i = 0; i < 32; i++) {
            g[i] = e.gprs().get(i);
        }
        g[31] = 0x4242;
        g[7] = 0x77;
        r.vm.completeExit(0, r.regs(0), r.m.memory(), new Exit.Osi(g));
        assertEquals(0x4242, r.regs(0).get(31));
        assertEquals(0x77, r.regs(0).get(7));
    }

    // ---------------------------------------------------------------- Book3S HV: each in-kernel answer (issue 25's survivors)

    @Test
    @DisplayName("book3s_hv.c kvmppc_pseries_do_hcall, radix guest: each HPT hcall (H_REMOVE, H_ENTER, H_READ, H_CLEAR_MOD, H_CLEAR_REF, "
            + "H_PROTECT, H_BULK_REMOVE) is H_FUNCTION in the kernel")
    void hvEachHptCallIsHFunction() {
        for (long cmd : new long[] {0x04, 0x08, 0x0C, 0x10, 0x14, 0x18, 0x24C}) {
            Rig r = hv("papr-enable", "0x" + Long.toHexString(cmd)); // H_CLEAR_MOD and H_CLEAR_REF are not in the default list
            TrapResult t = r.trap(0, "sc 1", cmd);
            assertEquals(Outcome.RESUME, t.outcome(), Long.toHexString(cmd));
            assertEquals(H_FUNCTION, r.regs(0).get(3), Long.toHexString(cmd));
        }
    }

    @Test
    @DisplayName("book3s_hv.c: without KVM_CAP_PPC_NESTED_HV the nested hcalls are H_FUNCTION; not a secure guest, the ultravisor "
            + "hcalls are H_UNSUPPORTED (kvmppc_pseries_do_hcall, both above MAX_HCALL_OPCODE so never gated)")
    void hvNestedAndSecureCalls() {
        Rig r = hv();
        for (long cmd : new long[] {0xF800, 0xF804, 0xF808, 0xF80C}) {
            r.trap(0, "sc 1", cmd);
            assertEquals(H_FUNCTION, r.regs(0).get(3), Long.toHexString(cmd));
        }
        for (long cmd : new long[] {0xEF00, 0xEF04, 0xEF08, 0xEF0C, 0xEF14}) {
            r.trap(0, "sc 1", cmd);
            assertEquals(-67, r.regs(0).get(3), "H_UNSUPPORTED for 0x" + Long.toHexString(cmd));
        }
    }

    @Test
    @DisplayName("book3s_hv.c kvmppc_h_rpt_invalidate (radix): end < start is H_P5 (end == start is not), a NESTED type without "
            + "nesting H_FUNCTION, a process-scoped one H_SUCCESS")
    void hvRptInvalidate() {
        Rig r = hv("papr-enable", "0x448");
        r.trap(0, "sc 1", 0x448, 0, 0, 0, 0, 0x2000, 0x1000); // r4 pid, r5 target, r6 type, r7 sizes, r8 start, r9 end
        assertEquals(-58, r.regs(0).get(3));
        r.trap(0, "sc 1", 0x448, 0, 0, 0, 0, 0x2000, 0x2000);
        assertEquals(0, r.regs(0).get(3));
        r.trap(0, "sc 1", 0x448, 0, 0, PpcPaprHv.H_RPTI_TYPE_NESTED, 0, 0x1000, 0x2000);
        assertEquals(H_FUNCTION, r.regs(0).get(3));
        r.trap(0, "sc 1", 0x448, 0, 0, 2, 0, 0x1000, 0x2000);
        assertEquals(0, r.regs(0).get(3));
    }

    @Test
    @DisplayName("book3s_hv.c kvmppc_h_set_mode (POWER10): CIABR with value2 != 0 is H_P4, with mflags H_UNSUPPORTED_FLAG_START, "
            + "user or kernel privilege H_SUCCESS; DAWR0 with mflags H_UNSUPPORTED_FLAG_START, DABRX_HYP H_P4, else H_SUCCESS")
    void hvSetModeEachBranch() {
        Rig r = hv("papr-enable", "0x31c");
        long[][] cases = { // mflags, resource, value1, value2, expected r3
            {0, PpcPaprHv.SET_MODE_CIABR, 1, 5, -57}, {1, PpcPaprHv.SET_MODE_CIABR, 1, 0, -256}, {0, PpcPaprHv.SET_MODE_CIABR, 1, 0, 0},
            {0, PpcPaprHv.SET_MODE_CIABR, 2, 0, 0}, {0, PpcPaprHv.SET_MODE_CIABR, 3, 0, -56},
            {1, PpcPaprHv.SET_MODE_DAWR0, 0, 0, -256}, {0, PpcPaprHv.SET_MODE_DAWR0, 0, PpcPaprHv.DABRX_HYP, -57},
            {0, PpcPaprHv.SET_MODE_DAWR0, 0x1234, 3, 0},
        };
        for (long[] c : cases) {
            TrapResult t = r.trap(0, "sc 1", 0x31C, c[0], c[1], c[2], c[3]);
            assertEquals(Outcome.RESUME, t.outcome());
            assertEquals(c[4], r.regs(0).get(3), java.util.Arrays.toString(c));
        }
    }

    @Test
    @DisplayName("book3s_hv.c kvmppc_h_page_init: a flag outside the five is H_PARAMETER; H_ZERO_PAGE ignores the source (alignment "
            + "included) and zeroes only the destination; H_COPY_PAGE copies 4 KiB; neither flag touches nothing; a zero page outside "
            + "guest memory is H_PARAMETER")
    void hvPageInitEachBranch() {
        Rig r = hv("papr-enable", "0x2c");
        byte[] src = new byte[4096];
        java.util.Arrays.fill(src, (byte) 0x5A);
        r.m.load(0x4000, src);
        r.m.load(0x6000, new byte[] {7, 7, 7, 7});
        r.trap(0, "sc 1", 0x2C, 1L << 40, 0x6000, 0); // bit 63 - 23: no such flag
        assertEquals(H_PARAMETER, r.regs(0).get(3));
        r.trap(0, "sc 1", 0x2C, PpcPaprHv.H_ZERO_PAGE, 0x6000, 0x4001);
        assertEquals(0, r.regs(0).get(3), "the source of a zero page is not checked");
        assertEquals(0, page(r, 0x6000)[0], "zeroed, not copied from the source");
        r.m.load(0x6000, new byte[] {7, 7, 7, 7});
        r.trap(0, "sc 1", 0x2C, PpcPaprHv.H_ICACHE_SYNCHRONIZE, 0x6000, 0x4000);
        assertEquals(0, r.regs(0).get(3));
        assertEquals(7, page(r, 0x6000)[0], "no zero or copy flag: memory untouched");
        r.trap(0, "sc 1", 0x2C, PpcPaprHv.H_COPY_PAGE, 0x6000, 0x4001);
        assertEquals(H_PARAMETER, r.regs(0).get(3), "a copy from a misaligned source");
        r.trap(0, "sc 1", 0x2C, PpcPaprHv.H_COPY_PAGE, 0x6000, 0x4000);
        assertEquals(0, r.regs(0).get(3));
        assertEquals(0x5A, page(r, 0x6000)[4095]);
        r.trap(0, "sc 1", 0x2C, PpcPaprHv.H_ZERO_PAGE, 0x7_0000_0000L, 0);
        assertEquals(H_PARAMETER, r.regs(0).get(3), "kvm_clear_guest fails outside guest memory");
    }

    private static byte[] page(Rig r, long gpa) {
        byte[] b = new byte[4096];
        r.m.memory().read(gpa, b, 0, 4096);
        return b;
    }

    @Test
    @DisplayName("book3s_hv.c H_PROD of a known vCPU is H_SUCCESS and kicks it; H_CONFER to -1 is H_SUCCESS without a yield, to an "
            + "unknown vCPU H_PARAMETER, to itself no yield (kvm_arch_vcpu_yield_to is not called for the caller)")
    void hvProdAndConfer() {
        Rig r = hv();
        TrapResult prod = r.trap(0, "sc 1", 0xE8, 1);
        assertEquals(0, r.regs(0).get(3));
        assertEquals(Outcome.RESUME, prod.outcome());
        assertEquals(Outcome.RESUME, r.trap(0, "sc 1", 0xE4, -1, 0).outcome());
        assertEquals(0, r.regs(0).get(3));
        r.trap(0, "sc 1", 0xE4, 9, 0);
        assertEquals(H_PARAMETER, r.regs(0).get(3));
        r.m.initialState(0, VcpuState.RUNNABLE);
        assertEquals(Outcome.RESUME, r.trap(0, "sc 1", 0xE4, 0, 0).outcome(), "a confer to itself never yields");
        assertEquals(0, r.regs(0).get(3));
    }
}
