package dev.hcsim.core;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.List;
import java.util.Locale;
import org.apiguardian.api.API;

/**
 * What a trap hands to the host (the VMM) when its outcome is {@link Outcome#EXIT_TO_HOST}: one record
 * per payload of {@code struct kvm_run} ({@code include/uapi/linux/kvm.h}), with the kernel's field
 * names. {@link #reason()} is the {@code exit_reason} KVM would set.
 *
 * <p>Exits are immutable values: every list is an unmodifiable copy of exactly the kernel's length
 * ({@code args[6]}, {@code gprs[32]}, ...), so an exit may be kept after the next trap. Building one
 * allocates; that is the return to user space, never the in-kernel fast path.
 */
@API(status = STABLE, since = "1.0")
public sealed interface Exit {
    /**
     * The exit reason KVM sets in {@code kvm_run.exit_reason} for this payload.
     * @return the reason, with the kernel's {@code KVM_EXIT_*} number
     */
    ExitReason reason();

    /**
     * The exit's kind, as {@code hcsim explain} lists it ({@link TrapContract#produces()}): {@code KVM_EXIT_}
     * and the reason's name, and for a system event its {@code KVM_SYSTEM_EVENT_} type.
     * @return for example {@code KVM_EXIT_HYPERCALL} or {@code KVM_EXIT_SYSTEM_EVENT SHUTDOWN}
     */
    default String kind() {
        return this instanceof SystemEvent e ? "KVM_EXIT_SYSTEM_EVENT " + e.type().name() : "KVM_EXIT_" + reason().name();
    }

    /**
     * {@code KVM_EXIT_HYPERCALL}: a hypercall the kernel hands to user space (x86
     * {@code KVM_HC_MAP_GPA_RANGE}, an arm64 SMCCC call routed by the SMCCC filter, a LoongArch
     * user service). The VMM's answer goes in {@code ret}; {@link Vm#completeExit} writes it back.
     * @param nr {@code hypercall.nr}: the hypercall number or function ID
     * @param args {@code hypercall.args[6]}: exactly 6 arguments
     * @param ret {@code hypercall.ret}: the return value preset before the exit (what a VMM that does not answer returns)
     * @param flags {@code hypercall.flags} (x86: {@code longmode} in the same place), as the kernel fills it
     */
    record Hypercall(long nr, List<Long> args, long ret, long flags) implements Exit {
        /** x86 {@code KVM_EXIT_HYPERCALL_LONG_MODE}: the call was made in 64-bit mode ({@code arch/x86/include/uapi/asm/kvm.h}). */
        public static final long X86_LONG_MODE = 1L;
        /** arm64 {@code KVM_HYPERCALL_EXIT_SMC}: the call was an SMC, not an HVC ({@code arch/arm64/include/uapi/asm/kvm.h}). */
        public static final long ARM64_SMC = 1L;
        /** arm64 {@code KVM_HYPERCALL_EXIT_16BIT}: the SMC/HVC came from a 16-bit (T32) instruction. */
        public static final long ARM64_16BIT = 1L << 1;

        /**
         * Checks and copies the arguments.
         * @param nr the number
         * @param args 6 arguments
         * @param ret the preset return value
         * @param flags the flags
         */
        public Hypercall {
            args = Exit.fixed("hypercall.args", args, 6);
        }

        /**
         * The same exit from an array of arguments (copied).
         * @param nr the number
         * @param args 6 arguments
         * @param ret the preset return value
         * @param flags the flags
         */
        public Hypercall(long nr, long[] args, long ret, long flags) {
            this(nr, Exit.list(args), ret, flags);
        }

        /**
         * Argument {@code i}.
         * @param i 0 to 5
         * @return {@code args[i]}
         */
        public long arg(int i) {
            return args.get(i);
        }

        @Override
        public ExitReason reason() {
            return ExitReason.HYPERCALL;
        }

        @Override
        public String toString() {
            return "KVM_EXIT_HYPERCALL nr=" + Exit.hex(nr) + " args=" + Exit.hex(args) + " ret=" + Exit.hex(ret) + " flags=" + Exit.hex(flags);
        }
    }

    /**
     * {@code KVM_EXIT_SYSTEM_EVENT}: a VM-wide event (shutdown, reset, crash, suspend). Every vCPU of
     * the VM stops until the VMM acts; the trap that raised it has no other effect on other vCPUs.
     * @param type {@code system_event.type}
     * @param data {@code system_event.data[0..ndata)}: at most 16 words (arm64 PSCI puts its flags in {@code data[0]})
     */
    record SystemEvent(SystemEventType type, List<Long> data) implements Exit {
        /** {@code KVM_SYSTEM_EVENT_RESET_FLAG_PSCI_RESET2}: a RESET came from PSCI SYSTEM_RESET2 (arm64). */
        public static final long RESET_FLAG_PSCI_RESET2 = 1L;
        /** {@code KVM_SYSTEM_EVENT_SHUTDOWN_FLAG_PSCI_OFF2}: a SHUTDOWN came from PSCI SYSTEM_OFF2 (arm64). */
        public static final long SHUTDOWN_FLAG_PSCI_OFF2 = 1L;

        /**
         * Checks and copies the data words.
         * @param type the event type
         * @param data 0 to 16 data words
         */
        public SystemEvent {
            if (type == null) {
                throw new IllegalArgumentException("system_event.type is null");
            }
            data = Exit.bounded("system_event.data", data, 16);
        }

        /**
         * An event with the given data words (copied).
         * @param type the event type
         * @param data 0 to 16 data words
         */
        public SystemEvent(SystemEventType type, long... data) {
            this(type, Exit.list(data));
        }

        /**
         * {@code system_event.ndata}.
         * @return the number of data words
         */
        public int ndata() {
            return data.size();
        }

        /**
         * {@code system_event.flags}, the union's other name for {@code data[0]}.
         * @return {@code data[0]}, or 0 without data
         */
        public long flags() {
            return data.isEmpty() ? 0 : data.get(0);
        }

        @Override
        public ExitReason reason() {
            return ExitReason.SYSTEM_EVENT;
        }

        @Override
        public String toString() {
            return "KVM_EXIT_SYSTEM_EVENT " + type + " data=" + Exit.hex(data);
        }
    }

    /**
     * {@code KVM_EXIT_PAPR_HCALL}: a PAPR hypercall for user space (PowerPC {@code sc 1} in a PAPR guest).
     * On re-entry KVM writes {@code ret} to r3 and {@code args[0..8]} back to r4..r12
     * ({@code arch/powerpc/kvm/powerpc.c kvm_arch_vcpu_ioctl_run}, {@code vcpu->arch.hcall_needed}).
     * @param nr {@code papr_hcall.nr}: the hcall token from r3
     * @param args {@code papr_hcall.args[9]}: r4 to r12
     * @param ret {@code papr_hcall.ret}: the preset return value
     */
    record PaprHcall(long nr, List<Long> args, long ret) implements Exit {
        /**
         * Checks and copies the arguments.
         * @param nr the token
         * @param args 9 arguments
         * @param ret the preset return value
         */
        public PaprHcall {
            args = Exit.fixed("papr_hcall.args", args, 9);
        }

        /**
         * The same exit from an array of arguments (copied).
         * @param nr the token
         * @param args 9 arguments
         * @param ret the preset return value
         */
        public PaprHcall(long nr, long[] args, long ret) {
            this(nr, Exit.list(args), ret);
        }

        @Override
        public ExitReason reason() {
            return ExitReason.PAPR_HCALL;
        }

        @Override
        public String toString() {
            return "KVM_EXIT_PAPR_HCALL nr=" + Exit.hex(nr) + " args=" + Exit.hex(args) + " ret=" + Exit.hex(ret);
        }
    }

    /**
     * {@code KVM_EXIT_OSI}: a PowerPC OSI call (Mac-on-Linux); the VMM reads and writes all 32 GPRs.
     * @param gprs {@code osi.gprs[32]}: r0 to r31
     */
    record Osi(List<Long> gprs) implements Exit {
        /**
         * Checks and copies the registers.
         * @param gprs 32 registers
         */
        public Osi {
            gprs = Exit.fixed("osi.gprs", gprs, 32);
        }

        /**
         * The same exit from an array (copied).
         * @param gprs 32 registers
         */
        public Osi(long[] gprs) {
            this(Exit.list(gprs));
        }

        @Override
        public ExitReason reason() {
            return ExitReason.OSI;
        }

        @Override
        public String toString() {
            return "KVM_EXIT_OSI r3=" + Exit.hex(gprs.get(3)) + " r4=" + Exit.hex(gprs.get(4)) + " gprs=" + Exit.hex(gprs);
        }
    }

    /**
     * {@code KVM_EXIT_S390_SIEIC}: an s390 SIE intercept the kernel hands to user space (a DIAGNOSE,
     * an instruction it does not handle).
     * @param icptcode {@code s390_sieic.icptcode}: the intercept code (0x04 instruction, 0x08 program interruption, ...)
     * @param ipa {@code s390_sieic.ipa}: the first halfword of the instruction (16 bits)
     * @param ipb {@code s390_sieic.ipb}: the next two halfwords of the instruction (32 bits)
     */
    record S390Sieic(int icptcode, int ipa, long ipb) implements Exit {
        /** The intercept code of an intercepted instruction ({@code ICPT_INST}, {@code arch/s390/kvm/intercept.c}). */
        public static final int ICPT_INST = 0x04;

        /**
         * Checks the field widths.
         * @param icptcode 8 bits
         * @param ipa 16 bits
         * @param ipb 32 bits
         */
        public S390Sieic {
            Exit.width("s390_sieic.icptcode", icptcode, 8);
            Exit.width("s390_sieic.ipa", ipa, 16);
            Exit.width("s390_sieic.ipb", ipb, 32);
        }

        @Override
        public ExitReason reason() {
            return ExitReason.S390_SIEIC;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "KVM_EXIT_S390_SIEIC icptcode=0x%02x ipa=0x%04x ipb=0x%08x", icptcode, ipa, ipb);
        }
    }

    /**
     * {@code KVM_EXIT_S390_RESET}: a reset request for user space.
     * @param flags {@code s390_reset_flags}: {@code KVM_S390_RESET_*} bits
     */
    record S390Reset(long flags) implements Exit {
        /** {@code KVM_S390_RESET_POR}: power-on reset. */
        public static final long POR = 1;
        /** {@code KVM_S390_RESET_CLEAR}: clear reset. */
        public static final long CLEAR = 2;
        /** {@code KVM_S390_RESET_SUBSYSTEM}: subsystem reset. */
        public static final long SUBSYSTEM = 4;
        /** {@code KVM_S390_RESET_CPU_INIT}: initial CPU reset. */
        public static final long CPU_INIT = 8;
        /** {@code KVM_S390_RESET_IPL}: reset and IPL. */
        public static final long IPL = 16;

        @Override
        public ExitReason reason() {
            return ExitReason.S390_RESET;
        }

        @Override
        public String toString() {
            return "KVM_EXIT_S390_RESET flags=" + Exit.hex(flags);
        }
    }

    /**
     * {@code KVM_EXIT_S390_STSI}: STORE SYSTEM INFORMATION for user space to complete
     * ({@code arch/s390/kvm/priv.c handle_stsi} with {@code KVM_CAP_S390_USER_STSI}).
     * @param addr {@code s390_stsi.addr}: the guest address of the block
     * @param ar {@code s390_stsi.ar}: the access register of the operand
     * @param fc {@code s390_stsi.fc}: the function code
     * @param sel1 {@code s390_stsi.sel1}: selector 1
     * @param sel2 {@code s390_stsi.sel2}: selector 2
     */
    record S390Stsi(long addr, int ar, int fc, int sel1, int sel2) implements Exit {
        /**
         * Checks the field widths.
         * @param addr the block's address
         * @param ar 8 bits
         * @param fc 8 bits
         * @param sel1 8 bits
         * @param sel2 16 bits
         */
        public S390Stsi {
            Exit.width("s390_stsi.ar", ar, 8);
            Exit.width("s390_stsi.fc", fc, 8);
            Exit.width("s390_stsi.sel1", sel1, 8);
            Exit.width("s390_stsi.sel2", sel2, 16);
        }

        @Override
        public ExitReason reason() {
            return ExitReason.S390_STSI;
        }

        @Override
        public String toString() {
            return "KVM_EXIT_S390_STSI addr=" + Exit.hex(addr) + " ar=" + ar + " fc=" + fc + " sel1=" + sel1 + " sel2=" + sel2;
        }
    }

    /**
     * {@code KVM_EXIT_RISCV_SBI}: an SBI call for user space. On re-entry KVM writes {@code ret[0]}
     * to a0 and {@code ret[1]} to a1 and moves the PC past the ECALL
     * ({@code arch/riscv/kvm/vcpu_sbi.c kvm_riscv_vcpu_sbi_return}).
     * @param extensionId {@code riscv_sbi.extension_id} (a7)
     * @param functionId {@code riscv_sbi.function_id} (a6)
     * @param args {@code riscv_sbi.args[6]} (a0 to a5)
     * @param ret {@code riscv_sbi.ret[2]}: the preset error and value
     */
    record RiscvSbi(long extensionId, long functionId, List<Long> args, List<Long> ret) implements Exit {
        /**
         * Checks and copies the lists.
         * @param extensionId the extension ID
         * @param functionId the function ID
         * @param args 6 arguments
         * @param ret 2 return values
         */
        public RiscvSbi {
            args = Exit.fixed("riscv_sbi.args", args, 6);
            ret = Exit.fixed("riscv_sbi.ret", ret, 2);
        }

        /**
         * The same exit from arrays (copied).
         * @param extensionId the extension ID
         * @param functionId the function ID
         * @param args 6 arguments
         * @param ret 2 return values
         */
        public RiscvSbi(long extensionId, long functionId, long[] args, long[] ret) {
            this(extensionId, functionId, Exit.list(args), Exit.list(ret));
        }

        @Override
        public ExitReason reason() {
            return ExitReason.RISCV_SBI;
        }

        @Override
        public String toString() {
            return "KVM_EXIT_RISCV_SBI extension_id=" + Exit.hex(extensionId) + " function_id=" + Exit.hex(functionId)
                    + " args=" + Exit.hex(args) + " ret=" + Exit.hex(ret);
        }
    }

    /**
     * {@code KVM_EXIT_HYPERV} of type {@code KVM_EXIT_HYPERV_HCALL}: a Hyper-V hypercall for user space
     * ({@code arch/x86/kvm/hyperv.c kvm_hv_hypercall}). The VMM puts the result in {@code result}.
     * @param input {@code hyperv.u.hcall.input}: the hypercall input value (RCX)
     * @param result {@code hyperv.u.hcall.result}: the preset result
     * @param params {@code hyperv.u.hcall.params[2]}: the input and output parameter GPAs (RDX, R8)
     */
    record HypervHcall(long input, long result, List<Long> params) implements Exit {
        /** {@code KVM_EXIT_HYPERV_HCALL}, the value of {@code hyperv.type}. */
        public static final int TYPE = 2;

        /**
         * Checks and copies the parameters.
         * @param input the input value
         * @param result the preset result
         * @param params 2 parameters
         */
        public HypervHcall {
            params = Exit.fixed("hyperv.u.hcall.params", params, 2);
        }

        /**
         * {@code hyperv.type}.
         * @return {@link #TYPE}
         */
        public int type() {
            return TYPE;
        }

        @Override
        public ExitReason reason() {
            return ExitReason.HYPERV;
        }

        @Override
        public String toString() {
            return "KVM_EXIT_HYPERV HCALL input=" + Exit.hex(input) + " params=" + Exit.hex(params) + " result=" + Exit.hex(result);
        }
    }

    /**
     * {@code KVM_EXIT_XEN} of type {@code KVM_EXIT_XEN_HCALL}: a Xen hypercall for user space
     * ({@code arch/x86/kvm/xen.c kvm_xen_hypercall}).
     * @param longmode {@code xen.u.hcall.longmode}: the call was made in 64-bit mode
     * @param cpl {@code xen.u.hcall.cpl}: the caller's privilege level
     * @param input {@code xen.u.hcall.input}: the hypercall number
     * @param result {@code xen.u.hcall.result}: the preset result
     * @param params {@code xen.u.hcall.params[6]}: the arguments
     */
    record XenHcall(boolean longmode, int cpl, long input, long result, List<Long> params) implements Exit {
        /** {@code KVM_EXIT_XEN_HCALL}, the value of {@code xen.type}. */
        public static final int TYPE = 1;

        /**
         * Checks and copies the parameters.
         * @param longmode 64-bit mode
         * @param cpl 0 to 3
         * @param input the number
         * @param result the preset result
         * @param params 6 arguments
         */
        public XenHcall {
            if (cpl < 0 || cpl > 3) {
                throw new IllegalArgumentException("xen.u.hcall.cpl must be 0 to 3, not " + cpl);
            }
            params = Exit.fixed("xen.u.hcall.params", params, 6);
        }

        /**
         * {@code xen.type}.
         * @return {@link #TYPE}
         */
        public int type() {
            return TYPE;
        }

        @Override
        public ExitReason reason() {
            return ExitReason.XEN;
        }

        @Override
        public String toString() {
            return "KVM_EXIT_XEN HCALL input=" + Exit.hex(input) + " params=" + Exit.hex(params) + " longmode=" + longmode + " cpl=" + cpl
                    + " result=" + Exit.hex(result);
        }
    }

    /**
     * {@code KVM_EXIT_DEBUG}: a debug event the VMM asked for (LoongArch {@code KVM_HCALL_SWDBG} with
     * software breakpoints enabled). The architecture's {@code kvm_debug_exit_arch} is empty on
     * LoongArch; the guest PC is the breakpoint.
     * @param pc the guest PC at the exit (the breakpoint instruction)
     */
    record Debug(long pc) implements Exit {
        @Override
        public ExitReason reason() {
            return ExitReason.DEBUG;
        }

        @Override
        public String toString() {
            return "KVM_EXIT_DEBUG pc=" + Exit.hex(pc);
        }
    }

    /**
     * {@code KVM_EXIT_INTERNAL_ERROR}: KVM could not go on (MIPS: an instruction or hypercall it cannot
     * emulate, {@code EMULATE_FAIL}).
     * @param suberror {@code internal.suberror}: a {@code KVM_INTERNAL_ERROR_*} number
     * @param data {@code internal.data[0..ndata)}: at most 16 words
     */
    record InternalError(int suberror, List<Long> data) implements Exit {
        /** {@code KVM_INTERNAL_ERROR_EMULATION}: emulating an instruction failed. */
        public static final int EMULATION = 1;
        /** {@code KVM_INTERNAL_ERROR_SIMUL_EX}: unexpected simultaneous exceptions. */
        public static final int SIMUL_EX = 2;
        /** {@code KVM_INTERNAL_ERROR_DELIVERY_EV}: an unexpected exit while delivering an event. */
        public static final int DELIVERY_EV = 3;
        /** {@code KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON}: a hardware exit reason KVM does not know. */
        public static final int UNEXPECTED_EXIT_REASON = 4;

        /**
         * Checks and copies the data words.
         * @param suberror the sub-error
         * @param data 0 to 16 words
         */
        public InternalError {
            data = Exit.bounded("internal.data", data, 16);
        }

        /**
         * An internal error with the given data words (copied).
         * @param suberror the sub-error
         * @param data 0 to 16 words
         */
        public InternalError(int suberror, long... data) {
            this(suberror, Exit.list(data));
        }

        /**
         * {@code internal.ndata}.
         * @return the number of data words
         */
        public int ndata() {
            return data.size();
        }

        @Override
        public ExitReason reason() {
            return ExitReason.INTERNAL_ERROR;
        }

        @Override
        public String toString() {
            return "KVM_EXIT_INTERNAL_ERROR suberror=" + suberror + " data=" + Exit.hex(data);
        }
    }

    // ---------------------------------------------------------------- helpers of the records

    private static List<Long> fixed(String field, List<Long> values, int length) {
        if (values == null) {
            throw new IllegalArgumentException(field + " is null");
        }
        if (values.size() != length) {
            throw new IllegalArgumentException(field + " has " + length + " elements, not " + values.size());
        }
        return List.copyOf(values);
    }

    private static List<Long> bounded(String field, List<Long> values, int max) {
        if (values == null) {
            throw new IllegalArgumentException(field + " is null");
        }
        if (values.size() > max) {
            throw new IllegalArgumentException(field + " has at most " + max + " elements, not " + values.size());
        }
        return List.copyOf(values);
    }

    private static void width(String field, long value, int bits) {
        if (value < 0 || value >>> bits != 0) {
            throw new IllegalArgumentException(field + " is " + bits + " bits wide: 0x" + Long.toHexString(value) + " does not fit");
        }
    }

    private static List<Long> list(long[] values) {
        if (values == null) {
            throw new IllegalArgumentException("the array of values is null");
        }
        Long[] boxed = new Long[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return List.of(boxed);
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static String hex(List<Long> values) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            b.append(i == 0 ? "" : ", ").append(hex(values.get(i)));
        }
        return b.append(']').toString();
    }
}
