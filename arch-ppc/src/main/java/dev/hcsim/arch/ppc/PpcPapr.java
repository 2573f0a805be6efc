package dev.hcsim.arch.ppc;

import dev.hcsim.core.Exit;
import dev.hcsim.core.Status;
import dev.hcsim.core.StatusCodec;
import dev.hcsim.core.spi.Trap;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PAPR hcalls on the Book3S hosts: the opcodes and return codes of {@code arch/powerpc/include/asm/hvcall.h}, the
 * per-VM enabled-hcall bitmap ({@code kvm->arch.enabled_hcalls}, set by {@code KVM_CAP_PPC_ENABLE_HCALL}, with each
 * flavour's defaults), and the hand-over to the host ({@code KVM_EXIT_PAPR_HCALL}) of every hcall the kernel does not
 * answer. The in-kernel answers are {@link PpcPaprPr} (Book3S PR, {@code kvmppc_h_pr}) and {@link PpcPaprHv} (Book3S
 * HV, {@code kvmppc_pseries_do_hcall}).
 */
public final class PpcPapr {
    /** H_REMOVE. */
    public static final long H_REMOVE = 0x04;
    /** H_ENTER. */
    public static final long H_ENTER = 0x08;
    /** H_READ. */
    public static final long H_READ = 0x0C;
    /** H_CLEAR_MOD. */
    public static final long H_CLEAR_MOD = 0x10;
    /** H_CLEAR_REF. */
    public static final long H_CLEAR_REF = 0x14;
    /** H_PROTECT. */
    public static final long H_PROTECT = 0x18;
    /** H_GET_TCE. */
    public static final long H_GET_TCE = 0x1C;
    /** H_PUT_TCE. */
    public static final long H_PUT_TCE = 0x20;
    /** H_SET_DABR. */
    public static final long H_SET_DABR = 0x28;
    /** H_PAGE_INIT. */
    public static final long H_PAGE_INIT = 0x2C;
    /** H_LOGICAL_CI_LOAD. */
    public static final long H_LOGICAL_CI_LOAD = 0x3C;
    /** H_LOGICAL_CI_STORE. */
    public static final long H_LOGICAL_CI_STORE = 0x40;
    /** H_EOI (XICS). */
    public static final long H_EOI = 0x64;
    /** H_CPPR (XICS). */
    public static final long H_CPPR = 0x68;
    /** H_IPI (XICS). */
    public static final long H_IPI = 0x6C;
    /** H_IPOLL (XICS). */
    public static final long H_IPOLL = 0x70;
    /** H_XIRR (XICS). */
    public static final long H_XIRR = 0x74;
    /** H_REGISTER_VPA. */
    public static final long H_REGISTER_VPA = 0xDC;
    /** H_CEDE. */
    public static final long H_CEDE = 0xE0;
    /** H_CONFER. */
    public static final long H_CONFER = 0xE4;
    /** H_PROD. */
    public static final long H_PROD = 0xE8;
    /** H_SET_XDABR. */
    public static final long H_SET_XDABR = 0x134;
    /** H_STUFF_TCE. */
    public static final long H_STUFF_TCE = 0x138;
    /** H_PUT_TCE_INDIRECT. */
    public static final long H_PUT_TCE_INDIRECT = 0x13C;
    /** H_BULK_REMOVE. */
    public static final long H_BULK_REMOVE = 0x24C;
    /** H_XIRR_X (XICS). */
    public static final long H_XIRR_X = 0x2FC;
    /** H_RANDOM. */
    public static final long H_RANDOM = 0x300;
    /** H_SET_MODE. */
    public static final long H_SET_MODE = 0x31C;
    /** H_RPT_INVALIDATE. */
    public static final long H_RPT_INVALIDATE = 0x448;
    /** H_RTAS (a KVM/QEMU private number, above MAX_HCALL_OPCODE: never gated by the bitmap). */
    public static final long H_RTAS = 0xF000;
    /** H_SET_PARTITION_TABLE (nested HV). */
    public static final long H_SET_PARTITION_TABLE = 0xF800;
    /** H_ENTER_NESTED (nested HV). */
    public static final long H_ENTER_NESTED = 0xF804;
    /** H_TLB_INVALIDATE (nested HV). */
    public static final long H_TLB_INVALIDATE = 0xF808;
    /** H_COPY_TOFROM_GUEST (nested HV). */
    public static final long H_COPY_TOFROM_GUEST = 0xF80C;
    /** H_SVM_PAGE_IN (secure VMs). */
    public static final long H_SVM_PAGE_IN = 0xEF00;
    /** H_SVM_PAGE_OUT. */
    public static final long H_SVM_PAGE_OUT = 0xEF04;
    /** H_SVM_INIT_START. */
    public static final long H_SVM_INIT_START = 0xEF08;
    /** H_SVM_INIT_DONE. */
    public static final long H_SVM_INIT_DONE = 0xEF0C;
    /** H_SVM_INIT_ABORT. */
    public static final long H_SVM_INIT_ABORT = 0xEF14;
    /**
     * MAX_HCALL_OPCODE (hvcall.h, H_GUEST_DELETE since the nested-API v2 hcalls): hcalls at or below it must be
     * enabled in the VM's bitmap; the KVM/QEMU private ones above it (H_RTAS, nested, SVM) are never gated.
     */
    public static final long MAX_HCALL_OPCODE = 0x488;

    /** H_SUCCESS. */
    public static final long H_SUCCESS = 0;
    /** H_HARDWARE. */
    public static final long H_HARDWARE = -1;
    /** H_FUNCTION. */
    public static final long H_FUNCTION = -2;
    /** H_PARAMETER. */
    public static final long H_PARAMETER = -4;
    /** H_PTEG_FULL. */
    public static final long H_PTEG_FULL = -6;
    /** H_NOT_FOUND. */
    public static final long H_NOT_FOUND = -7;
    /** H_RESOURCE. */
    public static final long H_RESOURCE = -16;
    /** H_P2. */
    public static final long H_P2 = -55;
    /** H_P3. */
    public static final long H_P3 = -56;
    /** H_P4. */
    public static final long H_P4 = -57;
    /** H_P5. */
    public static final long H_P5 = -58;
    /** H_UNSUPPORTED. */
    public static final long H_UNSUPPORTED = -67;
    /** H_UNSUPPORTED_FLAG_START: flag n unsupported is H_UNSUPPORTED_FLAG_START - n. */
    public static final long H_UNSUPPORTED_FLAG_START = -256;

    /** The PAPR status codes in r3, by name (hvcall.h). */
    public static final StatusCodec CODEC = StatusCodec.builder("H_*")
            .code(Status.SUCCESS, H_SUCCESS, "H_SUCCESS")
            .code(Status.INTERNAL_FAILURE, H_HARDWARE, "H_HARDWARE")
            .code(Status.NOT_IMPLEMENTED, H_FUNCTION, "H_FUNCTION")
            .code(Status.INVALID_PARAMETER, H_PARAMETER, "H_PARAMETER")
            .code(Status.NOT_PRESENT, H_NOT_FOUND, "H_NOT_FOUND")
            .code(Status.BUSY, H_RESOURCE, "H_RESOURCE")
            .code(Status.NOT_SUPPORTED, H_UNSUPPORTED, "H_UNSUPPORTED")
            .build();

    /** Names of the hcalls hcsim knows, for traces and explain. */
    static final Map<Long, String> NAMES = names();

    private static Map<Long, String> names() {
        Map<Long, String> m = new LinkedHashMap<>();
        for (java.lang.reflect.Field f : PpcPapr.class.getFields()) {
            if (f.getName().startsWith("H_") && f.getType() == long.class && !f.getName().startsWith("H_P")
                    && !List.of("H_SUCCESS", "H_HARDWARE", "H_FUNCTION", "H_PARAMETER", "H_PTEG_FULL", "H_NOT_FOUND", "H_RESOURCE",
                            "H_UNSUPPORTED", "H_UNSUPPORTED_FLAG_START").contains(f.getName())) {
                try {
                    m.put(f.getLong(null), f.getName());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        m.put(H_PROTECT, "H_PROTECT");
        m.put(H_PROD, "H_PROD");
        m.put(H_PUT_TCE, "H_PUT_TCE");
        m.put(H_PUT_TCE_INDIRECT, "H_PUT_TCE_INDIRECT");
        m.put(H_PAGE_INIT, "H_PAGE_INIT");
        return Map.copyOf(m);
    }

    /**
     * book3s_pr_papr.c default_hcall_list (enabled at VM creation, kvmppc_pr_init_default_hcalls; CONFIG_KVM_XICS
     * kernels add the XICS calls).
     */
    static final List<Long> PR_DEFAULT = List.of(H_ENTER, H_REMOVE, H_PROTECT, H_BULK_REMOVE, H_PUT_TCE, H_CEDE, H_XIRR, H_CPPR, H_EOI,
            H_IPI, H_IPOLL, H_XIRR_X);
    /** book3s_pr_papr.c kvmppc_hcall_impl_pr: what KVM_CAP_PPC_ENABLE_HCALL accepts on PR. */
    static final List<Long> PR_IMPLEMENTED = List.of(H_ENTER, H_REMOVE, H_PROTECT, H_BULK_REMOVE, H_PUT_TCE, H_CEDE, H_LOGICAL_CI_LOAD,
            H_LOGICAL_CI_STORE, H_SET_MODE, H_XIRR, H_CPPR, H_EOI, H_IPI, H_IPOLL, H_XIRR_X);
    /** book3s_hv.c default_hcall_list (kvmppc_init_default_hcalls), CONFIG_SPAPR_TCE_IOMMU and CONFIG_KVM_XICS kernels. */
    static final List<Long> HV_DEFAULT = List.of(H_REMOVE, H_ENTER, H_READ, H_PROTECT, H_BULK_REMOVE, H_GET_TCE, H_PUT_TCE, H_SET_DABR,
            H_SET_XDABR, H_CEDE, H_PROD, H_CONFER, H_REGISTER_VPA, H_EOI, H_CPPR, H_IPI, H_IPOLL, H_XIRR, H_XIRR_X);
    /**
     * book3s_hv.c kvmppc_hcall_impl_hv and the real-mode table it falls back to (book3s_hv_rmhandlers.S
     * hcall_real_table): what KVM_CAP_PPC_ENABLE_HCALL accepts on HV.
     */
    static final List<Long> HV_IMPLEMENTED = List.of(H_CEDE, H_PROD, H_CONFER, H_REGISTER_VPA, H_SET_MODE, H_GET_TCE, H_PUT_TCE,
            H_PUT_TCE_INDIRECT, H_STUFF_TCE, H_LOGICAL_CI_LOAD, H_LOGICAL_CI_STORE, H_XIRR, H_CPPR, H_EOI, H_IPI, H_IPOLL, H_XIRR_X,
            H_PAGE_INIT, H_RPT_INVALIDATE, H_REMOVE, H_ENTER, H_READ, H_CLEAR_MOD, H_CLEAR_REF, H_PROTECT, H_BULK_REMOVE, H_SET_DABR,
            H_SET_XDABR, H_RANDOM);

    private final PpcHost host;
    private final BitSet enabled = new BitSet((int) (MAX_HCALL_OPCODE / 4) + 1);

    PpcPapr(PpcHost host, int vcpus) {
        this.host = host;
        for (long h : host == PpcHost.BOOK3S_HV ? HV_DEFAULT : PR_DEFAULT) {
            enabled.set((int) (h / 4));
        }
    }

    /**
     * KVM_ENABLE_CAP(KVM_CAP_PPC_ENABLE_HCALL) (powerpc.c kvm_vm_ioctl_enable_cap): -EINVAL for an opcode above
     * MAX_HCALL_OPCODE, not a multiple of 4, or not implemented in the kernel by this flavour
     * (kvmppc_book3s_hcall_implemented); else the bit is set or cleared.
     * @param hcall the hcall opcode
     * @param on true to enable, false to disable
     * @return 0, or -22 (-EINVAL)
     */
    public synchronized int enableHcall(long hcall, boolean on) {
        // The kernel first refuses hcall > MAX_HCALL_OPCODE (unsigned: a negative one too) and hcall & 3; the
        // implemented lists hold only multiples of 4 at or below MAX_HCALL_OPCODE (PpcSurvivorEdgesTest checks), so
        // the one test below refuses the same numbers.
        if (!(host == PpcHost.BOOK3S_HV ? HV_IMPLEMENTED : PR_IMPLEMENTED).contains(hcall)) {
            return -22;
        }
        enabled.set((int) (hcall / 4), on);
        return 0;
    }

    /**
     * Whether the kernel may answer {@code hcall} itself: hcalls above MAX_HCALL_OPCODE are not gated.
     * @param hcall the opcode in r3
     * @return false when the bitmap sends it to the host
     */
    public synchronized boolean enabled(long hcall) {
        return Long.compareUnsigned(hcall, MAX_HCALL_OPCODE) > 0 || enabled.get((int) (hcall / 4));
    }

    /**
     * A PAPR {@code sc 1} in supervisor state: the flavour's in-kernel handler, else KVM_EXIT_PAPR_HCALL. The PC is
     * already past the sc (the system call interrupt's SRR0).
     */
    void hcall(Trap t, PpcVm vm) {
        long cmd = t.registers().get(3);
        t.number(cmd);
        t.callName(NAMES.get(cmd)); // null for an hcall hvcall.h does not name
        t.codec(CODEC);
        PpcPaprHv.State hv = vm.paprState();
        if (hv != null) {
            hv.guestExit(t.vcpu(), t.memory()); // the sc 1 left the guest: kvmhv_p9_guest_entry's second increment
        }
        boolean answered = host == PpcHost.BOOK3S_HV ? PpcPaprHv.handle(t, vm, this, cmd) : PpcPaprPr.handle(t, vm, this, cmd);
        if (!answered) {
            exitToHost(t);
            return;
        }
        t.complete();
        if (hv != null && t.outcome() == dev.hcsim.core.Outcome.RESUME) {
            hv.guestEntry(t.vcpu(), t.memory()); // RESUME_GUEST: kvmhv_run_single_vcpu enters the guest again
        }
    }

    /** r3 := {@code value} with its H_* name (hvcall.h), as kvmppc_set_gpr(vcpu, 3, ret). */
    static void answer(Trap t, long value) {
        Status s = CODEC.decode(value);
        t.status(s);
        t.result(0, value);
    }

    /**
     * KVM_EXIT_PAPR_HCALL (book3s_pr.c kvmppc_handle_exit_pr, book3s_hv.c kvmppc_handle_exit_hv): nr = r3, args[0..8]
     * = r4..r12, the PC already past the sc; on re-entry KVM writes r3 = ret and r4..r12 = args as the VMM left them
     * (powerpc.c kvm_arch_vcpu_ioctl_run, hcall_needed): the VMM answers with its {@link Exit.PaprHcall}.
     */
    private static void exitToHost(Trap t) {
        long[] args = new long[9];
        for (int i = 0; i < 9; i++) {
            args[i] = t.registers().get(4 + i);
        }
        PpcVm.exitPastSc(t, t.registers(), new Exit.PaprHcall(t.registers().get(3), args, 0), PpcPapr::reenter);
    }

    private static void reenter(Trap t, long ret) {
        Exit.PaprHcall a = (Exit.PaprHcall) t.answer();
        for (int i = 0; i < 9; i++) {
            t.registers().set(4 + i, a.args().get(i));
        }
        answer(t, ret);
        PpcPaprHv.State hv = ((PpcVm) t.vm().archVm()).paprState();
        if (hv != null) {
            hv.guestEntry(t.vcpu(), t.memory()); // the next KVM_RUN enters the guest
        }
    }

    /** The flavour's in-kernel hcalls, for explain and the docs. */
    static String describe(PpcHost host) {
        return switch (host) {
            case BOOK3S_PR -> "Book3S PR with --feature papr (kvmppc_h_pr, book3s_pr_papr.c): in the kernel when enabled in the "
                    + "VM's hcall bitmap (default: H_ENTER, H_REMOVE, H_PROTECT, H_BULK_REMOVE, H_PUT_TCE, H_CEDE and the XICS "
                    + "calls; --papr-enable adds H_LOGICAL_CI_LOAD/STORE, H_SET_MODE): H_ENTER/H_REMOVE/H_PROTECT/H_BULK_REMOVE "
                    + "against the VMM's HPT (none registered here: H_FUNCTION), H_CEDE (MSR[EE] set, halt, r3 kept), H_SET_MODE "
                    + "resource 3 (AIL: 0 -> H_SUCCESS, else H_UNSUPPORTED_FLAG_START - 63); TCE, LOGICAL_CI, XICS and H_RTAS "
                    + "need in-kernel tables, devices or tokens the VM has none of; everything else: KVM_EXIT_PAPR_HCALL";
            case BOOK3S_HV -> "Book3S HV (kvmppc_pseries_do_hcall, book3s_hv.c; always PAPR, a radix guest on a POWER10 host): in "
                    + "the kernel when enabled in the VM's hcall bitmap (default: H_REMOVE, H_ENTER, H_READ, H_PROTECT, "
                    + "H_BULK_REMOVE, H_GET_TCE, H_PUT_TCE, H_SET_DABR, H_SET_XDABR, H_CEDE, H_PROD, H_CONFER, H_REGISTER_VPA and "
                    + "the XICS calls; --papr-enable adds H_SET_MODE, H_PAGE_INIT, H_RPT_INVALIDATE, H_RANDOM, ...): H_CEDE "
                    + "(MSR[EE] set, halt unless prodded, r3 = 0), H_PROD (wakes or marks the target), H_CONFER (directed yield "
                    + "when the yield count matches), H_REGISTER_VPA (VPA/DTL/SLB shadow registration), H_RANDOM (r4), "
                    + "H_SET_MODE (CIABR, DAWR0, DAWR1 checks), H_SET_DABR/H_SET_XDABR (DABRX checks, then emulated in DAWR0: "
                    + "H_SUCCESS), H_PAGE_INIT (zero/copy a 4K page), H_RPT_INVALIDATE, the HPT calls (radix guest: H_FUNCTION), "
                    + "nested and SVM calls (off: H_FUNCTION / H_UNSUPPORTED); TCE, LOGICAL_CI, XICS and H_RTAS go to the host; "
                    + "everything else: KVM_EXIT_PAPR_HCALL";
            default -> "no PAPR hcalls";
        };
    }
}
