package dev.hcsim.arch.ppc;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.Exit;
import dev.hcsim.core.Fault;
import dev.hcsim.core.GuestFault;
import dev.hcsim.core.MemoryAccess;
import dev.hcsim.core.RegisterAccess;
import dev.hcsim.core.VcpuControl;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.VmSnapshot;
import dev.hcsim.core.spi.ArchitectureVm;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.spi.KvmVcpuLimits;
import dev.hcsim.core.spi.OptionSpec;
import dev.hcsim.core.spi.Trap;
import dev.hcsim.core.spi.VmContext;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The per-VM part of PowerPC: the trap gate (what an {@code sc}, {@code sc 1} or {@code msgsnd}
 * means on this VM's host flavour), the magic page of every vCPU ({@code struct
 * kvm_vcpu_arch_shared}, 240 bytes at the start of a 4 KiB page, in the VM's byte order), the
 * device-tree blob, and the scheduler hooks (the device tree's placement, PAPR's dispatch counts).
 *
 * <p>Trap classification follows {@code arch/powerpc/kvm/book3s_pr.c kvmppc_handle_exit_pr}
 * (Book3S PR: PAPR {@code sc 1}, then OSI, then MSR[PR] = 0 with (u32)r0 == KVM_SC_MAGIC_R0, else a
 * guest system call) and {@code arch/powerpc/kvm/booke.c kvmppc_handle_exit} (BookE HV: every
 * {@code sc 1}, problem state gets a program interrupt with ESR_PPR; BookE PR: like Book3S PR).
 */
public final class PpcVm implements ArchitectureVm {
    /**
     * KVM_MAX_VCPUS = NR_CPUS (arch/powerpc/include/asm/kvm_host.h), 2048 in ppc64_defconfig (the configuration
     * modelled); KVM_MAX_VCPU_IDS = MAX_SMT_THREADS (8) * KVM_MAX_VCORES (NR_CPUS) with CONFIG_KVM_BOOK3S_HV_POSSIBLE.
     */
    static final KvmVcpuLimits LIMITS = new KvmVcpuLimits(2048, "NR_CPUS in ppc64_defconfig", 8 * 2048,
            "KVM_MAX_VCPU_IDS = MAX_SMT_THREADS * KVM_MAX_VCORES");

    // struct kvm_vcpu_arch_shared (arch/powerpc/include/uapi/asm/kvm_para.h), natural alignment.
    /** Offset of {@code scratch1} (u64) in struct kvm_vcpu_arch_shared. */
    public static final int OFF_SCRATCH1 = 0x00;
    /** Offset of {@code scratch2} (u64). */
    public static final int OFF_SCRATCH2 = 0x08;
    /** Offset of {@code scratch3} (u64). */
    public static final int OFF_SCRATCH3 = 0x10;
    /** Offset of {@code critical} (u64): the guest's r1 while it is in a critical section. */
    public static final int OFF_CRITICAL = 0x18;
    /** Offset of {@code sprg0} (u64). */
    public static final int OFF_SPRG0 = 0x20;
    /** Offset of {@code sprg1} (u64). */
    public static final int OFF_SPRG1 = 0x28;
    /** Offset of {@code sprg2} (u64). */
    public static final int OFF_SPRG2 = 0x30;
    /** Offset of {@code sprg3} (u64). */
    public static final int OFF_SPRG3 = 0x38;
    /** Offset of {@code srr0} (u64), kept equal to SRR0. */
    public static final int OFF_SRR0 = 0x40;
    /** Offset of {@code srr1} (u64), kept equal to SRR1. */
    public static final int OFF_SRR1 = 0x48;
    /** Offset of {@code dar} (u64). */
    public static final int OFF_DAR = 0x50;
    /** Offset of {@code msr} (u64); a guest store changes only MSR[EE] and MSR[RI]. */
    public static final int OFF_MSR = 0x58;
    /** Offset of {@code dsisr} (u32). */
    public static final int OFF_DSISR = 0x60;
    /** Offset of {@code int_pending} (u32): non-zero while an interrupt waits for the vCPU. */
    public static final int OFF_INT_PENDING = 0x64;
    /** Offset of {@code sr[16]} (u32 each), the Book3S segment registers. */
    public static final int OFF_SR = 0x68;
    /** Offset of {@code mas0} (u32, BookE). */
    public static final int OFF_MAS0 = 0xA8;
    /** Offset of {@code mas1} (u32, BookE). */
    public static final int OFF_MAS1 = 0xAC;
    /** Offset of {@code mas7_3} (u64, BookE). */
    public static final int OFF_MAS7_3 = 0xB0;
    /** Offset of {@code mas2} (u64, BookE). */
    public static final int OFF_MAS2 = 0xB8;
    /** Offset of {@code mas4} (u32, BookE). */
    public static final int OFF_MAS4 = 0xC0;
    /** Offset of {@code mas6} (u32, BookE). */
    public static final int OFF_MAS6 = 0xC4;
    /** Offset of {@code esr} (u32, BookE), kept equal to ESR. */
    public static final int OFF_ESR = 0xC8;
    /** Offset of {@code pir} (u32): the vCPU's processor id. */
    public static final int OFF_PIR = 0xCC;
    /** Offset of {@code sprg4} (u64). */
    public static final int OFF_SPRG4 = 0xD0;
    /** Offset of {@code sprg5} (u64). */
    public static final int OFF_SPRG5 = 0xD8;
    /** Offset of {@code sprg6} (u64). */
    public static final int OFF_SPRG6 = 0xE0;
    /** Offset of {@code sprg7} (u64), the last field: the structure is 240 bytes. */
    public static final int OFF_SPRG7 = 0xE8;
    /** {@code sizeof(struct kvm_vcpu_arch_shared)}. */
    public static final int SHARED_SIZE = 0xF0;
    /** The magic page is one 4 KiB page. */
    public static final int PAGE_SIZE = 4096;

    /** {@code ESR_PPR}, privileged-instruction program interrupt ({@code arch/powerpc/include/asm/reg_booke.h}). */
    public static final long ESR_PPR = 0x0400_0000L;
    /** Mac-on-Linux OSI magic in r3 ({@code arch/powerpc/include/asm/kvm_book3s.h OSI_SC_MAGIC_R3}). */
    public static final int OSI_SC_MAGIC_R3 = 0x1137_24FA;
    /** Mac-on-Linux OSI magic in r4 ({@code OSI_SC_MAGIC_R4}). */
    public static final int OSI_SC_MAGIC_R4 = 0x7781_0F9B;
    /** The Book3S system call interrupt vector. */
    public static final long VECTOR_SYSCALL = 0xC00;
    /** The Book3S program interrupt vector. */
    public static final long VECTOR_PROGRAM = 0x700;
    /** The BookE doorbell interrupt, reported to the scheduler by its IVOR number (IVOR36). */
    public static final int DOORBELL_IVOR = 36;
    /** {@code PPC_DBELL_MSG_BRDCAST} ({@code arch/powerpc/include/asm/dbell.h}). */
    public static final long PPC_DBELL_MSG_BRDCAST = 0x0400_0000L;
    /** {@code PPC_DBELL_PIR_MASK}. */
    public static final long PPC_DBELL_PIR_MASK = 0x3FFF;
    /** SRR1 bits an interrupt does not copy from the MSR ({@code book3s.c kvmppc_inject_interrupt}: ~0x783f0000). */
    private static final long SRR1_MSR_MASK = ~0x783F_0000L;
    /** Book3S program interrupt SRR1 flags: illegal instruction ({@code SRR1_PROGILL}) and privileged ({@code SRR1_PROGPRIV}). */
    static final long SRR1_PROGILL = Fault.Ppc.SRR1_PROGILL;
    static final long SRR1_PROGPRIV = Fault.Ppc.SRR1_PROGPRIV;
    /** The Book3S instruction storage interrupt. */
    static final int VECTOR_ISI = 0x400;
    /** Book3S ISI SRR1 bit 33: no translation for the address ({@code SRR1_ISI_NOPT}). */
    static final long SRR1_ISI_NOPT = 0x4000_0000L;

    /** Re-entry after KVM_EXIT_OSI (powerpc.c, osi_needed): r0..r31 = gprs[0..31] as the VMM left them. */
    private static final Trap.ExitCompletion OSI_REENTRY = (t, ret) -> {
        Exit.Osi a = (Exit.Osi) t.answer();
        for (int i = 0; i < 32; i++) {
            t.registers().set(i, a.gprs().get(i));
        }
    };

    private final VmContext vm;
    private final PpcHost host;
    private final boolean bigEndian;
    private final boolean mode64;
    private final boolean problemState;
    private final boolean papr;
    private final boolean osi;
    private final long dtbAddress;
    private final byte[] dtb;
    private final byte[][] shared;
    private final long[] magicPa;
    private final long[] magicEa;
    private final boolean[] kernelNxDisabled;
    /** Set by another vCPU's msgsnd, read and cleared by the vCPU itself: an atomic array, the only cross-thread state here. */
    /** One atomic flag per vCPU (an array of AtomicInteger: the Explorer page's runtime has no AtomicIntegerArray). */
    private final java.util.concurrent.atomic.AtomicInteger[] intPending;
    private final RegisterAccess[] lastRegs;
    private final PpcPapr paprCalls;
    private final PpcPaprHv.State paprHv;
    private final PpcIoctls ioctls = new PpcIoctls(this);
    private volatile boolean dtbWritten;

    PpcVm(VmContext vm) {
        this.vm = vm;
        LIMITS.check(vm);
        this.host = PpcHost.of(vm.option(PpcArchitecture.OPTION_HOST));
        this.bigEndian = vm.byteOrder() == ByteOrder.BIG_ENDIAN;
        this.mode64 = vm.option(PpcArchitecture.OPTION_MODE).equals("64");
        this.problemState = vm.option(PpcArchitecture.OPTION_PRIVILEGE).equals("problem");
        this.papr = vm.feature(PpcArchitecture.FEATURE_PAPR);
        this.osi = vm.feature(PpcArchitecture.FEATURE_OSI);
        this.dtbAddress = vm.optionNumber(PpcArchitecture.OPTION_DTB);
        this.dtb = PpcDiscovery.flattenedDeviceTree(host, vm.option(PpcArchitecture.OPTION_DT_PROPERTY));
        int n = vm.vcpuCount();
        this.shared = new byte[n][];
        this.magicPa = new long[n];
        this.magicEa = new long[n];
        this.kernelNxDisabled = new boolean[n];
        this.intPending = new java.util.concurrent.atomic.AtomicInteger[n];
        for (int i = 0; i < n; i++) {
            intPending[i] = new java.util.concurrent.atomic.AtomicInteger();
        }
        this.lastRegs = new RegisterAccess[n];
        // kvm->arch.enabled_hcalls exists on every Book3S VM (CONFIG_PPC_BOOK3S_64); PR uses it in PAPR mode.
        boolean book3s = host == PpcHost.BOOK3S_HV || host == PpcHost.BOOK3S_PR;
        this.paprCalls = book3s ? new PpcPapr(host, n) : null;
        this.paprHv = host == PpcHost.BOOK3S_HV ? new PpcPaprHv.State(n, vm.config().seed()) : null;
        if (paprCalls != null) {
            applyHcallOptions(vm.option(PpcArchitecture.OPTION_PAPR_ENABLE), true);
            applyHcallOptions(vm.option(PpcArchitecture.OPTION_PAPR_DISABLE), false);
        } else if (!vm.option(PpcArchitecture.OPTION_PAPR_ENABLE).isEmpty() || !vm.option(PpcArchitecture.OPTION_PAPR_DISABLE).isEmpty()) {
            throw new IllegalArgumentException("papr-enable/papr-disable: KVM_CAP_PPC_ENABLE_HCALL needs a Book3S host (book3s-pr, book3s-hv)");
        }
    }

    /** The VMM's KVM_CAP_PPC_ENABLE_HCALL calls from the papr-enable / papr-disable options, with the ioctl's -EINVAL. */
    private void applyHcallOptions(String list, boolean on) {
        for (String h : OptionSpec.items(list)) {
            // The option check (OptionSpec.numberList) accepts what Bytes.parseNumber accepts; parsing with the same
            // function here means every list the check lets through is read as the check read it (0b..., 1_000 too).
            long nr = Bytes.parseNumber(h);
            if (paprCalls.enableHcall(nr, on) != 0) {
                throw new IllegalArgumentException("papr-" + (on ? "enable" : "disable") + ": KVM_CAP_PPC_ENABLE_HCALL 0x"
                        + Long.toHexString(nr) + " fails with -EINVAL (above MAX_HCALL_OPCODE, not a multiple of 4, or not"
                        + " implemented by " + host.optionValue() + ")");
            }
        }
    }

    /**
     * The PAPR hcall state of this Book3S VM (used by host book3s-hv, and by book3s-pr with feature papr), or null
     * on BookE.
     * @return the enabled-hcall bitmap and exit arguments, or null on a BookE host
     */
    public PpcPapr papr() {
        return paprCalls;
    }

    @Override
    public dev.hcsim.core.spi.KvmIoctls ioctls() {
        return ioctls;
    }

    PpcPaprHv.State paprState() {
        return paprHv;
    }

    /**
     * The PowerPC part of the VM a trap runs on.
     * @param t a trap on a PowerPC VM
     * @return that VM's PowerPC state
     */
    public static PpcVm of(Trap t) {
        return (PpcVm) t.vm().archVm();
    }

    /**
     * The host flavour.
     * @return the KVM flavour chosen with the {@code host} option
     */
    public PpcHost host() {
        return host;
    }

    /**
     * True when {@code msr} selects 64-bit mode: MSR[SF] on Book3S, MSR[CM] on BookE.
     * @param msr the vCPU's MSR
     * @return whether the vCPU runs in 64-bit mode
     */
    public boolean is64(long msr) {
        return (msr & (host.bookE() ? PpcRegisters.MSR_CM : PpcRegisters.MSR_SF)) != 0;
    }

    /**
     * The device-tree blob this VM places in guest memory.
     * @return the flattened device tree with the {@code /hypervisor} node
     */
    public byte[] deviceTree() {
        return dtb.clone();
    }

    /**
     * Guest physical address of the device-tree blob (0: none).
     * @return the blob's guest physical address, or 0 when it is not placed
     */
    public long deviceTreeAddress() {
        return dtbAddress;
    }

    @Override
    public boolean offers(HypercallSpec call) {
        return true; // no PowerPC KVM PV hypercall is gated by a VM feature
    }

    @Override
    public void resetVcpu(int vcpu, RegisterAccess regs) {
        long msr = 0;
        if (mode64) {
            msr |= host.bookE() ? PpcRegisters.MSR_CM : PpcRegisters.MSR_SF;
        }
        if (!bigEndian) {
            msr |= PpcRegisters.MSR_LE;
        }
        if (problemState) {
            msr |= PpcRegisters.MSR_PR;
        }
        regs.set(PpcRegisters.MSR, msr);
        if (vcpu == 0 && dtbAddress != 0) {
            regs.set(3, dtbAddress); // ePAPR boot convention: r3 = address of the device tree
        }
        lastRegs[vcpu] = regs;
        intPending[vcpu].set(0);
    }

    // ---------------------------------------------------------------- the trap gate

    /** The word at a trap, by class: the gate's decoded form ({@link Trap#decoded()}), made once per call site. */
    private enum Form {
        /** sc LEV=1: the hypervisor call. */
        SC1,
        /** sc with any other LEV. */
        SC,
        /** msgsnd rB. */
        MSGSND,
        /** Anything else: a program interrupt. */
        OTHER
    }

    private static Form form(Trap t) {
        int w = (int) t.insnWord(4); // in the VM's byte order, fixed when it is created
        if ((w & 0xFFFF_07FF) == 0x7C00_019C) {
            return Form.MSGSND;
        }
        if ((w & ~(0x7F << 5)) != PpcDiscovery.INST_SC) {
            return Form.OTHER;
        }
        return ((w >>> 5) & 0x7F) == 1 ? Form.SC1 : Form.SC;
    }

    @Override
    public void trap(Trap t) {
        int v = t.vcpu();
        RegisterAccess regs = t.registers();
        lastRegs[v] = regs;
        if (t.fetchedLength() < 4) {
            // [derived] nothing readable at the PC: the fetch takes an instruction storage interrupt (no translation)
            long msr = regs.get(PpcRegisters.MSR);
            t.fault(new Fault.Ppc(VECTOR_ISI, t.pc(), (msr & SRR1_MSR_MASK) | SRR1_ISI_NOPT, 0), "instruction fetch outside guest memory");
            return;
        }
        t.instructionLength(4);
        Form form = t.decoded(Form.class, PpcVm::form);
        long msr = regs.get(PpcRegisters.MSR);
        boolean problem = (msr & PpcRegisters.MSR_PR) != 0;
        if (form == Form.MSGSND) {
            msgsnd(t, regs, ((int) t.insnWord(4) >>> 11) & 31, problem);
            return;
        }
        if (form == Form.OTHER) {
            programInterrupt(t, regs, SRR1_PROGILL, 0, "program interrupt: the word at the PC is not a trap instruction");
            return;
        }
        int lev = form == Form.SC1 ? 1 : 0; // only whether LEV is 1 counts below (sc with any other LEV is the guest's)
        switch (host) {
            case BOOKE_HV -> {
                if (lev != 1) {
                    // Only sc 1 reaches the hypervisor on e500mc; sc goes straight to the guest's handler.
                    guestSystemCall(t, regs, "system call (sc LEV=0 goes straight to the guest OS; KVM never sees it)");
                } else if (problem) {
                    // booke.c kvmppc_handle_exit: the syscall exit has already moved nip past the sc 1, so
                    // kvmppc_core_queue_program delivers the program interrupt with SRR0 at the next instruction.
                    programInterrupt(t, regs, 0, ESR_PPR, t.pc() + 4,
                            "program interrupt, ESR_PPR: sc 1 from problem state (booke.c kvmppc_handle_exit)");
                } else {
                    hypercall(t, regs, msr);
                }
            }
            case BOOK3S_HV -> {
                if (lev != 1) {
                    guestSystemCall(t, regs, "system call (sc LEV=0 goes straight to the guest OS; HV KVM never sees it)");
                } else if (problem) {
                    // book3s_hv.c kvmppc_handle_exit_hv: a radix guest's user-mode sc 1 is a privilege fault.
                    programInterrupt(t, regs, SRR1_PROGPRIV, 0, t.pc(),
                            "program interrupt, SRR1_PROGPRIV: sc 1 from problem state (book3s_hv.c kvmppc_handle_exit_hv)");
                } else {
                    paprCalls.hcall(t, this);
                }
            }
            case BOOK3S_PR, BOOKE_PR -> {
                if (host == PpcHost.BOOK3S_PR && papr && form == Form.SC1 && !problem) {
                    paprCalls.hcall(t, this); // kvmppc_h_pr, else KVM_EXIT_PAPR_HCALL
                } else if (host == PpcHost.BOOK3S_PR && osi && (int) regs.get(3) == OSI_SC_MAGIC_R3 && (int) regs.get(4) == OSI_SC_MAGIC_R4) {
                    osiExit(t, regs);
                } else if (!problem && (int) regs.get(0) == PpcDiscovery.KVM_SC_MAGIC_R0) {
                    hypercall(t, regs, msr);
                } else {
                    guestSystemCall(t, regs, problem ? "system call from problem state (not a hypercall: MSR[PR] = 1)"
                            : "system call (r0 is not KVM_SC_MAGIC_R0, so not a hypercall)");
                }
            }
        }
    }

    /**
     * KVM_EXIT_OSI (book3s_pr.c kvmppc_handle_exit_pr): all 32 GPRs go out in run->osi.gprs; re-entry copies all 32
     * back (powerpc.c kvm_arch_vcpu_ioctl_run, osi_needed): the VMM answers with its {@link Exit.Osi}.
     */
    private static void osiExit(Trap t, RegisterAccess regs) {
        long[] gprs = new long[32];
        for (int i = 0; i < 32; i++) {
            gprs[i] = regs.get(i); // run->osi.gprs[i] = kvmppc_get_gpr(vcpu, i)
        }
        exitPastSc(t, regs, new Exit.Osi(gprs), OSI_REENTRY);
    }

    private void hypercall(Trap t, RegisterAccess regs, long msr) {
        // kvmppc_kvm_pv: params cut to 32 bits unless MSR_SF (BookE's CM does not count); token is an int.
        t.narrow((msr & PpcRegisters.MSR_SF) == 0);
        t.readCall();
        t.result(1, 0); // r4 is written on every path, 0 unless the call sets it
        t.invoke();
        t.complete();
    }

    /** An exit from a system call interrupt: the PC already points past the sc when KVM returns to user space. */
    static void exitPastSc(Trap t, RegisterAccess regs, Exit exit, Trap.ExitCompletion reentry) {
        t.exitToHost(exit, reentry);
        regs.pc(t.pc() + 4);
        t.resumeAt(t.pc() + 4);
    }

    /**
     * A guest system call: the guest's own handler takes it (SRR0 = PC + 4, SRR1 = MSR; Book3S at
     * 0xc00, BookE at IVPR|IVOR8). Nothing is changed here: the embedder's CPU delivers it as for any
     * sc, the standalone machine through {@link #deliver}.
     */
    private void guestSystemCall(Trap t, RegisterAccess regs, String what) {
        long msr = regs.get(PpcRegisters.MSR);
        t.notAHypercall(new Fault.Ppc(Fault.Ppc.SYSTEM_CALL, t.pc() + 4, host.bookE() ? msr : msr & SRR1_MSR_MASK, 0), what);
    }

    /**
     * A program interrupt for the embedder to inject (book3s.c kvmppc_core_queue_program, booke.c
     * kvmppc_booke_queue_irqprio): SRR0 = the instruction, SRR1 = MSR (with the reason on Book3S), ESR
     * on BookE. Nothing is changed here (issue 21: an embedder that injects it would deliver twice);
     * the standalone machine delivers it through {@link #deliver}.
     */
    private void programInterrupt(Trap t, RegisterAccess regs, long srr1Flags, long esr, String what) {
        programInterrupt(t, regs, srr1Flags, esr, t.pc(), what);
    }

    /** The same with SRR0 = {@code srr0} (the nip KVM has when it queues the interrupt). */
    private void programInterrupt(Trap t, RegisterAccess regs, long srr1Flags, long esr, long srr0, String what) {
        long msr = regs.get(PpcRegisters.MSR);
        if (host.bookE() && esr == 0) {
            // BookE keeps the reason in ESR: an instruction KVM cannot emulate is queued with ESR_PIL
            // (arch/powerpc/kvm/booke.c emulation_exit, EMULATE_FAIL: kvmppc_core_queue_program(vcpu, ESR_PIL)). Every
            // other BookE program interrupt here names its ESR (ESR_PPR), so no reason in SRR1 needs testing.
            esr = Fault.Ppc.ESR_PIL;
        }
        Fault.Ppc f = host.bookE() ? new Fault.Ppc(Fault.Ppc.PROGRAM, srr0, msr, esr)
                : new Fault.Ppc(Fault.Ppc.PROGRAM, srr0, (msr & SRR1_MSR_MASK) | srr1Flags, 0);
        t.fault(f, what);
    }

    /**
     * The standalone machine's CPU takes a program, system call or storage interrupt the trap left to
     * it: SRR0, SRR1 (and ESR on BookE) as the fault says, the interrupt MSR, and on Book3S the PC at
     * the vector (BookE's IVPR|IVORn is not modelled: the PC stays).
     */
    @Override
    public void deliver(int vcpu, RegisterAccess regs, Fault fault) {
        if (!(fault instanceof Fault.Ppc f)) {
            return;
        }
        long msr = regs.get(PpcRegisters.MSR);
        regs.set(PpcRegisters.SRR0, f.srr0());
        regs.set(PpcRegisters.SRR1, f.srr1());
        if (host.bookE() && f.vector() == Fault.Ppc.PROGRAM) {
            regs.set(PpcRegisters.ESR, f.esr());
        }
        regs.set(PpcRegisters.MSR, interruptMsr(msr));
        if (!host.bookE()) {
            regs.pc(f.vector());
        }
    }

    /**
     * The MSR an interrupt enters the guest with. Book3S PR: {@code vcpu->arch.intr_msr} (book3s_pr.c
     * kvmppc_inject_interrupt_pr), which is MSR_SF on a 64-bit host, so a 32-bit guest's interrupt runs in 64-bit mode,
     * plus MSR_LE when the VMM set LPCR[ILE] (kvmppc_set_lpcr_pr), as it does for a little-endian guest. Elsewhere:
     * supervisor, EE and RI off, width and endianness kept.
     */
    private long interruptMsr(long msr) {
        if (host == PpcHost.BOOK3S_PR) {
            return PpcRegisters.MSR_SF | (bigEndian ? 0 : PpcRegisters.MSR_LE);
        }
        return msr & (PpcRegisters.MSR_SF | PpcRegisters.MSR_CM | PpcRegisters.MSR_LE);
    }

    /**
     * {@code msgsnd rB}: emulated on BookE HV ({@code arch/powerpc/kvm/e500_emulate.c kvmppc_e500_emul_msgsnd}):
     * a doorbell to every vCPU whose PIR equals rB &amp; 0x3fff, or to all with PPC_DBELL_MSG_BRDCAST.
     * The kernel derives the doorbell type from the register number ({@code dbell2prio(rb)}), not its
     * value, so it is always an ordinary doorbell. Elsewhere a program interrupt.
     */
    private void msgsnd(Trap t, RegisterAccess regs, int rb, boolean problem) {
        if (host != PpcHost.BOOKE_HV) {
            programInterrupt(t, regs, SRR1_PROGILL, 0, "program interrupt: msgsnd is not emulated on " + host.optionValue());
            return;
        }
        if (problem) {
            programInterrupt(t, regs, 0, ESR_PPR, "program interrupt, ESR_PPR: msgsnd from problem state");
            return;
        }
        long param = regs.get(rb);
        long pir = param & PPC_DBELL_PIR_MASK;
        boolean broadcast = (param & PPC_DBELL_MSG_BRDCAST) != 0;
        VcpuControl c = t.control();
        for (int i = 0; i < vm.vcpuCount(); i++) {
            if (broadcast || vm.vcpuId(i) == pir) {
                VcpuState st = c.state(i);
                if (st == VcpuState.RUNNING || st == VcpuState.RUNNABLE) {
                    // not blocked: the doorbell waits until the vCPU next idles. Only the flag is set here; the target's
                    // shared page picks it up when it is next read (a magic-page access or a snapshot syncs first),
                    // never from this thread, which must not read the target's registers (kvmppc_set_pending_interrupt + kick)
                    intPending[i].set(1);
                }
                c.interrupt(i, DOORBELL_IVOR);
            }
        }
        t.callName("msgsnd"); // e500_emulate.c kvmppc_e500_emul_msgsnd: the emulated instruction
        t.complete();
    }

    // ---------------------------------------------------------------- hypercall state

    /** {@code KVM_HC_PPC_MAP_MAGIC_PAGE}: records pa/ea; a guest without the NX flag disables kernel no-execute. */
    void mapMagicPage(int vcpu, long pa, long ea, boolean notMappedNx) {
        magicPa[vcpu] = pa;
        magicEa[vcpu] = ea;
        if (!notMappedNx) {
            kernelNxDisabled[vcpu] = true; // vcpu->arch.disable_kernel_nx, sticky; KVM_REQ_TLB_FLUSH
        }
        // Book3S-64 PR re-chooses the page's byte order here from the interrupt endianness (LPCR[ILE]);
        // in the simulator ILE follows the VM's endian option, so it never changes and nothing is swapped.
        page(vcpu);
    }

    /** EV_IDLE: a pending doorbell is consumed (the halt returns at once) or the vCPU blocks until the next one. */
    void idle(int vcpu) {
        intPending[vcpu].set(0);
    }

    /**
     * Guest physical page of vCPU {@code vcpu}'s magic page (0: not mapped).
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @return the page's guest physical address, or 0
     */
    public long magicPagePa(int vcpu) {
        return magicPa[vcpu];
    }

    /**
     * Effective page the guest mapped it at.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @return the effective address KVM_HC_PPC_MAP_MAGIC_PAGE was given, page aligned
     */
    public long magicPageEa(int vcpu) {
        return magicEa[vcpu];
    }

    /**
     * True once a guest mapped the page without MAGIC_PAGE_FLAG_NOT_MAPPED_NX ({@code vcpu->arch.disable_kernel_nx}).
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @return whether kernel no-execute is disabled for that vCPU
     */
    public boolean kernelNxDisabled(int vcpu) {
        return kernelNxDisabled[vcpu];
    }

    /**
     * True while a doorbell waits for the vCPU (the magic page's {@code int_pending}).
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @return whether an interrupt is pending
     */
    public boolean interruptPending(int vcpu) {
        return intPending[vcpu].get() != 0;
    }

    /**
     * {@code kvmppc_critical_section} ({@code arch/powerpc/kvm/book3s.c}, same rule in {@code booke.c
     * kvmppc_booke_irqprio_deliver}): the host holds interrupts back while the magic page's
     * {@code critical} equals r1 (low 32 bits without MSR[SF]) and MSR[PR] = 0.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @param regs the vCPU's registers (r1 and MSR are read)
     * @return whether the vCPU is in a critical section now
     */
    public boolean criticalSection(int vcpu, RegisterAccess regs) {
        byte[] s = shared[vcpu];
        long crit = s == null ? 0 : Bytes.get(s, OFF_CRITICAL, 8, bigEndian);
        long r1 = regs.get(1);
        long msr = regs.get(PpcRegisters.MSR);
        if ((msr & PpcRegisters.MSR_SF) == 0) {
            crit &= 0xFFFF_FFFFL;
            r1 &= 0xFFFF_FFFFL;
        }
        return crit == r1 && (msr & PpcRegisters.MSR_PR) == 0;
    }

    /**
     * Reads a field of vCPU {@code vcpu}'s shared structure, in the VM's byte order.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @param offset the field's offset, one of the OFF_* constants
     * @param size the field's size in bytes, 1 to 8
     * @return the field, zero-extended
     */
    public long sharedField(int vcpu, int offset, int size) {
        byte[] p = page(vcpu);
        sync(vcpu);
        return Bytes.get(p, offset, size, bigEndian);
    }

    /**
     * Writes a field of the shared structure as the guest's store would (EE/RI of msr, srr0/1 and esr reach the
     * registers).
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @param regs the vCPU's registers, updated for msr, srr0, srr1 and esr (null: only the page changes)
     * @param offset the field's offset, one of the OFF_* constants
     * @param size the field's size in bytes, 1 to 8
     * @param value the value to store; bits beyond {@code size} are dropped
     */
    public void writeSharedField(int vcpu, RegisterAccess regs, int offset, int size, long value) {
        magicWrite(vcpu, regs, offset, size, value);
    }

    // ---------------------------------------------------------------- the magic page as the guest reaches it

    /**
     * Where an access of {@code size} bytes at {@code ea} lands in the magic page, or -1 for ordinary
     * memory. Served only when the host supports it, the page is mapped (pa != 0) and MSR[PR] = 0;
     * then the mapped effective page and the physical page itself (the simulator has no guest MMU,
     * so every other address is its own real address) reach the shared structure
     * ({@code book3s_64_mmu.c} xlate override, {@code book3s.c kvmppc_gpa_to_pfn}, {@code powerpc.c kvmppc_ld/st}).
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @param ea the effective address of the access
     * @param size the access size in bytes
     * @param msr the vCPU's MSR (only MSR[PR] is read)
     * @return the offset in the magic page, or -1
     */
    public int magicOffset(int vcpu, long ea, int size, long msr) {
        long pa = magicPa[vcpu];
        if (pa == 0 || !host.supportsMagicPage() || (msr & PpcRegisters.MSR_PR) != 0) {
            return -1;
        }
        long page = ea & ~0xFFFL;
        if (page != magicEa[vcpu] && page != pa) {
            return -1;
        }
        int off = (int) (ea & 0xFFF);
        return off + size <= PAGE_SIZE ? off : -1;
    }

    /**
     * A guest load from the magic page: the live register copies first, then the bytes in the VM's order.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @param regs the vCPU's registers, for the fields that mirror them
     * @param off the offset in the shared structure, from {@link #magicOffset}
     * @param size the load size in bytes: 1, 2, 4 or 8
     * @return the loaded value, zero-extended
     */
    public long magicRead(int vcpu, RegisterAccess regs, int off, int size) {
        lastRegs[vcpu] = regs;
        byte[] p = page(vcpu);
        sync(vcpu);
        return Bytes.get(p, off, size, bigEndian);
    }

    /**
     * A guest store to the magic page. In MSR only EE and RI take effect (ppc-pv.rst: other MSR bits
     * need a trapping mtmsr); stores to srr0, srr1 and esr update those registers.
     * @param vcpu the vCPU index, 0 to vcpus-1
     * @param regs the vCPU's registers, for the fields that mirror them (null: only the page changes)
     * @param off the offset in the shared structure, from {@link #magicOffset}
     * @param size the store size in bytes: 1, 2, 4 or 8
     * @param value the stored value; bits beyond {@code size} are dropped
     */
    public void magicWrite(int vcpu, RegisterAccess regs, int off, int size, long value) {
        byte[] p = page(vcpu);
        if (regs != null) {
            lastRegs[vcpu] = regs;
        }
        sync(vcpu); // bring the live copies in first, so that a partial store keeps the rest of a field
        Bytes.put(p, off, size, value, bigEndian);
        if (regs != null) {
            // The registers take the page's fields back. A field the store did not touch holds the register's own
            // value (the sync above wrote it; esr is a 32-bit register), so only the stored field changes a register.
            long wanted = Bytes.get(p, OFF_MSR, 8, bigEndian);
            long safe = PpcRegisters.MSR_EE | PpcRegisters.MSR_RI;
            regs.set(PpcRegisters.MSR, (regs.get(PpcRegisters.MSR) & ~safe) | (wanted & safe));
            regs.set(PpcRegisters.SRR0, Bytes.get(p, OFF_SRR0, 8, bigEndian));
            regs.set(PpcRegisters.SRR1, Bytes.get(p, OFF_SRR1, 8, bigEndian));
            regs.set(PpcRegisters.ESR, Bytes.get(p, OFF_ESR, 4, bigEndian));
        }
    }

    /** The magic page (its shared structure, PAGE_SIZE bytes once mapped), its addresses and flags of each vCPU. */
    @Override
    public synchronized void save(VmSnapshot.State.Builder v, List<VmSnapshot.State.Builder> cpus) {
        v.put("dtbWritten", dtbWritten);
        for (int i = 0; i < cpus.size(); i++) {
            sync(i); // the page's mirrored fields are brought up to date when they are read, and a snapshot reads them
            cpus.get(i).put("magicPa", magicPa[i]).put("magicEa", magicEa[i]).put("kernelNxDisabled", kernelNxDisabled[i])
                    .put("intPending", intPending[i].get() != 0).putBytes("magicPage", shared[i]);
        }
    }

    @Override
    public synchronized void restore(VmSnapshot.State v, List<VmSnapshot.State> cpus) {
        dtbWritten = v.flag("dtbWritten");
        for (int i = 0; i < cpus.size(); i++) {
            VmSnapshot.State c = cpus.get(i);
            magicPa[i] = c.num("magicPa");
            magicEa[i] = c.num("magicEa");
            kernelNxDisabled[i] = c.flag("kernelNxDisabled");
            intPending[i].set(c.flag("intPending") ? 1 : 0);
            byte[] page = c.bytes("magicPage");
            if (page != null && page.length != PAGE_SIZE) {
                throw new IllegalArgumentException("snapshot field 'magicPage' has " + page.length + " bytes, a page has " + PAGE_SIZE);
            }
            shared[i] = page;
        }
    }

    private byte[] page(int vcpu) {
        byte[] p = shared[vcpu];
        if (p == null) {
            p = new byte[PAGE_SIZE];
            shared[vcpu] = p;
            Bytes.put(p, OFF_PIR, 4, vm.vcpuId(vcpu), bigEndian);
        }
        return p;
    }

    /**
     * Copies the live state (msr, srr0, srr1, esr, pir, int_pending) into the shared structure. Called before every
     * read of the page's bytes (a guest load, {@link #sharedField}, a partial store's merge, a snapshot) and nowhere
     * else: the page's copies of live state are only seen through those reads, so syncing at each change would
     * write bytes nobody reads before the next sync overwrites them.
     */
    private void sync(int vcpu) {
        byte[] p = shared[vcpu];
        if (p == null) {
            return;
        }
        RegisterAccess r = lastRegs[vcpu];
        if (r != null) {
            Bytes.put(p, OFF_MSR, 8, r.get(PpcRegisters.MSR), bigEndian);
            Bytes.put(p, OFF_SRR0, 8, r.get(PpcRegisters.SRR0), bigEndian);
            Bytes.put(p, OFF_SRR1, 8, r.get(PpcRegisters.SRR1), bigEndian);
            Bytes.put(p, OFF_ESR, 4, r.get(PpcRegisters.ESR), bigEndian);
        }
        Bytes.put(p, OFF_PIR, 4, vm.vcpuId(vcpu), bigEndian);
        Bytes.put(p, OFF_INT_PENDING, 4, intPending[vcpu].get(), bigEndian);
    }

    // ---------------------------------------------------------------- scheduler hooks

    @Override
    public void scheduleIn(int vcpu, long nowNanos, long stealNanos, MemoryAccess memory) {
        if (!dtbWritten) {
            dtbWritten = true;
            if (dtbAddress != 0) {
                try {
                    memory.writeCopy(dtbAddress, dtb, 0, dtb.length);
                } catch (GuestFault ignored) {
                    // the VM's memory does not cover the blob's address: the guest simply has no device tree
                }
            }
        }
        if (paprHv != null) {
            paprHv.guestEntry(vcpu, memory);
        }
    }

    @Override
    public void scheduleOut(int vcpu, long nowNanos, boolean preempted, MemoryAccess memory) {
        if (paprHv != null) {
            paprHv.guestExit(vcpu, memory);
        }
    }
}
