package dev.hcsim.views;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.Outcome;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.RegisterLayout;
import dev.hcsim.core.Status;
import dev.hcsim.core.TrapContract;
import dev.hcsim.core.Vm;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.sched.SingleCall;
import dev.hcsim.core.spi.Architecture;
import dev.hcsim.core.spi.Cpu;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.spi.Instruction;
import dev.hcsim.core.spi.SignalInstruction;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code hcsim call --explain}: one call told step by step for people learning the ABI, from the
 * same data that ran it: the bytes decoded, which register held the number and each argument, the
 * kernel rule that applied (with its source file and function), the status and how this architecture
 * encodes it, every register and byte of memory written, what happened to the other vCPUs, and what
 * the caller's CPU loop does next.
 */
public final class CallExplanation {
    private static final int MAX_SHOWN_BYTES = 32;

    private CallExplanation() {
    }

    /**
     * The explanation as numbered lines, ending with a newline.
     * @param r the call
     * @return the numbered lines
     */
    public static String text(SingleCall.Result r) {
        Vm vm = r.vm();
        Architecture a = Engine.context(vm).architecture();
        TrapContract c = vm.contract();
        RegisterLayout layout = a.registers();
        List<String[]> steps = new ArrayList<>();
        long pc = r.before().pc();

        steps.add(new String[] {"decode", "the " + r.bytes().length + " bytes at " + hex(pc) + " (" + spaced(Bytes.hex(r.bytes())) + ") are `"
                + r.text().replace('\t', ' ') + "`; " + a.name() + " traps with " + c.trapInstructions()});
        boolean narrow = r.trap() != null && Boolean.TRUE.equals(r.trap().narrow());
        String notATrap = notATrap(vm, r);
        if (notATrap != null) {
            steps.add(new String[] {"gate", notATrap});
        } else if (r.status() == null) {
            steps.add(new String[] {"gate", "nothing was dispatched: " + (r.detail() == null ? r.outcome().name() : r.detail())});
        } else if (otherAbi(vm, r) != null) {
            // Another ABI on the same instruction answered (x86: Hyper-V): its own selector register and status family.
            dev.hcsim.core.spi.AbiFamily f = otherAbi(vm, r);
            steps.add(new String[] {"abi", f.name() + ", " + f.selectedBy()});
            steps.add(new String[] {"mode", narrow ? "32-bit" : "64-bit (the full registers count)"});
            // What the ABI read, by its own convention (the trace's "read"): its selector first, then its arguments.
            List<java.util.Map.Entry<String, String>> read = r.trap() == null || r.trap().read() == null ? List.of()
                    : List.copyOf(r.trap().read().entrySet());
            if (read.isEmpty()) {
                int sel = layout.indexOf(f.selectorRegister());
                steps.add(new String[] {"selector", f.selectorRegister() + " held " + hex(r.before().get(sel)) + ", which selects " + r.call()});
            } else {
                steps.add(new String[] {"selector", read.get(0).getKey() + " held " + shortHex(read.get(0).getValue()) + ", which selects " + r.call()});
                List<String> args = new ArrayList<>();
                for (java.util.Map.Entry<String, String> e : read.subList(1, read.size())) {
                    args.add(e.getKey() + " = " + shortHex(e.getValue()));
                }
                steps.add(new String[] {"arguments", String.join(", ", args) + "   (" + f.name() + "'s order" + (narrow ? ", 32-bit convention)" : ")")});
            }
            steps.add(new String[] {"status", r.status().name() + " = " + r.statusName() + ", in " + f.status().family()});
        } else {
            steps.add(new String[] {"mode", narrow ? "32-bit: " + c.narrowRule() : "64-bit (the full registers count)"});
            steps.add(new String[] {"number", number(vm, r)});
            List<String> args = new ArrayList<>();
            for (int i = 0; i < c.argumentCount(); i++) {
                int reg = c.argumentRegister(i);
                args.add(layout.name(reg) + " = " + hex(r.before().get(reg)));
            }
            steps.add(new String[] {"arguments", args.isEmpty() ? "none in registers" : String.join(", ", args) + "   (the contract's order)"});
            steps.add(new String[] {"rule", rule(vm, r)});
            steps.add(new String[] {"status", r.status().name() + (r.statusName() != null ? " = " + r.statusName() : "") + ", in "
                    + a.status().family() + " (" + where(r.outcome(), layout.name(c.resultRegister(0))) + ")"});
        }
        steps.add(new String[] {"registers", written(r, c, layout)});
        steps.add(new String[] {"memory", memory(r)});
        steps.add(new String[] {"other vCPUs", others(r)});
        steps.add(new String[] {"outcome", notATrap != null ? r.outcome().name() + ": hcsim's answer for an instruction `call` does not model"
                + " (step 2 says what hardware does)" : r.outcome().name() + ": " + outcome(r.outcome()) + (r.detail() != null && r.status() != null
                ? " (" + r.detail() + ")" : "")});

        StringBuilder sb = new StringBuilder();
        sb.append(a.name()).append(' ').append(r.call() != null ? r.call() : r.trap() != null && r.trap().nr() != null ? "hypercall " + r.trap().nr()
                : "trap").append(", step by step:\n");
        for (int i = 0; i < steps.size(); i++) {
            // "\n", not %n: the same bytes on every platform (and TeaVM's String.format has no %n)
            sb.append(String.format(Locale.ROOT, "%2d. %-12s %s\n", i + 1, steps.get(i)[0], steps.get(i)[1]));
        }
        return sb.toString();
    }

    /** A trace's 0x%016x value as short hex. */
    private static String shortHex(String v) {
        return hex(Bytes.parseNumber(v)); // Bytes, not Long.parseUnsignedLong: the explorer's TeaVM build runs this too
    }

    /** The other ABI (Architecture.otherAbis) whose feature is on and whose status family answered, or null. */
    private static dev.hcsim.core.spi.AbiFamily otherAbi(Vm vm, SingleCall.Result r) {
        for (dev.hcsim.core.spi.AbiFamily f : dev.hcsim.core.engine.Engine.context(vm).architecture().otherAbis()) {
            if (vm.feature(f.feature()) && r.statusName() != null
                    && f.status().codes().values().stream().anyMatch(code -> code.name().equals(r.statusName()))) {
                return f;
            }
        }
        return null;
    }

    /** Which register held the number and what it selected; some calls are chosen by the instruction itself (s390's DIAGNOSE code). */
    private static String number(Vm vm, SingleCall.Result r) {
        TrapContract c = vm.contract();
        String reg = vm.architecture().registers().name(c.numberRegister());
        long raw = r.before().get(c.numberRegister());
        boolean narrow = r.trap() != null && Boolean.TRUE.equals(r.trap().narrow());
        boolean cut = c.numberBits() == 32 || (narrow && c.narrowTruncatesArguments());
        long selector = cut ? raw & 0xFFFF_FFFFL : raw;
        HypercallSpec h = spec(vm, r);
        String held = reg + " held " + hex(raw) + (selector != raw ? " (only its low 32 bits count)" : "");
        if (r.call() == null) {
            // Not dispatched. Say why before claiming the number is unknown: a rule checked first (privilege) answers
            // for every number, KVM_HC_KICK_CPU's 0x5 included.
            HypercallSpec known = Engine.context(vm).hypercalls().lookup(selector);
            if (known != null) {
                return held + ", the number of " + known.name() + (r.status() == Status.PERMISSION
                        ? ", which was not dispatched: the privilege rule answered first" : ", which was not dispatched here");
            }
            return held + ": no " + vm.architecture().name() + " hypercall has number " + hex(selector);
        }
        if (h != null && h.number() != selector) {
            return "the instruction itself selects " + r.call() + " (" + hex(h.number()) + "); " + held + ", which does not choose the call here";
        }
        return held + ", which selects " + r.call();
    }

    /**
     * For a valid instruction that is not one of the architecture's trap instructions ({@code hlt}, {@code wfi}, a
     * {@code nop}, an ordinary instruction), what hardware does with it, and that {@code call} answers it with a fault
     * only because it models nothing but the trap instructions; null for a trap instruction or undecodable bytes
     * (for which the fault is what hardware raises too).
     * @param vm the call's VM
     * @param r the call
     * @return what hardware does with the instruction, or null
     */
    public static String notATrap(Vm vm, SingleCall.Result r) {
        Instruction decoded = Engine.context(vm).codec().decode(r.bytes(), 0, r.bytes().length, r.before().pc());
        if (!decoded.isValid() || r.outcome() != Outcome.FAULT) {
            return null;
        }
        // A signal instruction answers without looking at the CPU (SignalInstruction.execute returns its signal).
        int signal = decoded instanceof SignalInstruction ? decoded.execute(null) : -1;
        if (signal == Cpu.TRAP) {
            return null;
        }
        String onHardware = signal == Cpu.HALT
                ? "on hardware it halts the vCPU until an interrupt: KVM intercepts it as a wait (x86 kvm_emulate_halt in arch/x86/kvm/x86.c,"
                        + " arm64 kvm_handle_wfx in arch/arm64/kvm/handle_exit.c) or the guest idles in place; it is no fault"
                : signal == Cpu.NEXT ? "on hardware it simply executes and nothing traps"
                : "on hardware it is an ordinary guest instruction and does not trap to KVM's hypercall path";
        return "`" + r.text().replace('\t', ' ') + "` is not one of " + vm.architecture().name() + "'s trap instructions (" + vm.contract().trapInstructions()
                + "): " + onHardware + ". `hcsim call` runs only trap instructions and answers anything else with "
                + (r.detail() == null ? "a fault" : r.detail()) + "; 'hcsim run' a scenario to see the instruction's real effect";
    }

    /**
     * The hypercall's spec: by the name the architecture reported; by number only when it reported none
     * (some tables mix numbering spaces, such as s390's diagnose codes and DIAGNOSE 0x500 subcodes).
     * @param vm the call's VM
     * @param r the call
     * @return the spec, or null when the call is not in the table
     */
    public static HypercallSpec spec(Vm vm, SingleCall.Result r) {
        if (r.call() != null) {
            for (HypercallSpec h : Engine.context(vm).hypercalls().all()) {
                if (h.name().equals(r.call())) {
                    return h;
                }
            }
            return null;
        }
        return r.trap() == null || r.trap().nr() == null ? null : Engine.context(vm).hypercalls().lookup(Bytes.parseUnsigned(r.trap().nr().substring(2), 16));
    }

    private static String rule(Vm vm, SingleCall.Result r) {
        String answer = r.statusName() != null ? r.statusName() : r.status().name();
        if (r.status() == Status.PERMISSION) {
            return "privilege, checked before the number: " + vm.contract().privilegeRule() + " -> " + answer;
        }
        HypercallSpec h = spec(vm, r);
        if (h == null) {
            return r.call() != null ? "the trap gate handles " + r.call() + " itself and answers " + answer + " (see 'hcsim explain --arch "
                    + vm.architecture().name() + "')" : "no documented hypercall has this number: the architecture answers " + answer
                    + " as the kernel does for an unknown number";
        }
        StringBuilder sb = new StringBuilder();
        sb.append(h.summary().isEmpty() ? h.name() : h.summary());
        if (h.feature() != null) {
            sb.append("; offered when feature '").append(h.feature()).append("' is on (here: ").append(vm.feature(h.feature()) ? "on" : "off").append(')');
        }
        if (!h.availability().equals("implemented")) {
            sb.append("; today's kernel: ").append(h.availability());
        }
        if (!h.source().isEmpty()) {
            sb.append("   [kernel: ").append(h.source()).append(']');
        }
        return sb.toString();
    }

    private static String written(SingleCall.Result r, TrapContract c, RegisterLayout layout) {
        List<String> out = new ArrayList<>();
        RegisterFile before = r.before();
        RegisterFile after = r.after();
        for (int i = 0; i < layout.size(); i++) {
            if (before.get(i) != after.get(i)) {
                String role = "";
                for (int k = 0; k < c.resultCount(); k++) {
                    if (c.resultRegister(k) == i) {
                        role = k == 0 ? " (result 0: status)" : " (result " + k + ")";
                    }
                }
                if (role.isEmpty() && layout.get(i).kind() == RegisterLayout.Kind.CONTROL) {
                    role = " (control state)";
                }
                out.add(layout.name(i) + " " + hex(before.get(i)) + " -> " + hex(after.get(i)) + role);
            }
        }
        if (before.pc() != after.pc()) {
            out.add("pc " + hex(before.pc()) + " -> " + hex(after.pc()) + " (" + c.pcRule() + ")");
        } else {
            out.add("pc stays " + hex(after.pc()));
        }
        int kept = 0;
        int[] preserved = c.preservedRegisters();
        for (int reg : preserved) {
            if (before.get(reg) == after.get(reg)) {
                kept++;
            }
        }
        out.add(kept + " of " + preserved.length + " preserved registers kept their values");
        return String.join("; ", out);
    }

    private static String memory(SingleCall.Result r) {
        if (r.writes().isEmpty()) {
            return "nothing written";
        }
        List<String> out = new ArrayList<>();
        for (SingleCall.MemoryWrite w : r.writes()) {
            byte[] b = w.bytes();
            String shown = Bytes.hex(b.length <= MAX_SHOWN_BYTES ? b : java.util.Arrays.copyOf(b, MAX_SHOWN_BYTES));
            out.add(b.length + " byte" + (b.length == 1 ? "" : "s") + " at " + hex(w.gpa()) + ": " + shown + (b.length > MAX_SHOWN_BYTES ? "..." : ""));
        }
        return String.join("; ", out);
    }

    private static String others(SingleCall.Result r) {
        List<String> out = new ArrayList<>();
        for (SingleCall.Effect e : r.effects()) {
            out.add(e.kind() + (e.target() != null ? " -> vcpu" + e.target() : "") + (e.detail() != null ? " (" + e.detail() + ")" : ""));
        }
        int vcpus = r.vm().vcpuCount();
        int caller = callerIndex(r);
        List<String> states = new ArrayList<>();
        for (int i = 0; i < vcpus; i++) {
            if (i != caller) {
                states.add("vcpu" + i + " " + r.machine().stateOf(i).name().toLowerCase(Locale.ROOT));
            }
        }
        String effects = out.isEmpty() ? "no effect on another vCPU" : String.join("; ", out);
        return vcpus == 1 ? effects + " (the VM has one vCPU)" : effects + "; afterwards: " + String.join(", ", states);
    }

    /** The calling vCPU: the one whose trap was traced. */
    private static int callerIndex(SingleCall.Result r) {
        return r.trap() != null ? r.trap().vcpu() : 0;
    }

    /** Where the status goes: the result register now, when the host re-enters, or nowhere when a fault is injected. */
    private static String where(Outcome o, String register) {
        return switch (o) {
            case EXIT_TO_HOST -> "written to " + register + " when the host re-enters the vCPU";
            case FAULT -> "not written: a fault is injected instead";
            case INTERRUPTED -> "not written: the interruption goes to the guest's own handler instead";
            default -> "written to " + register;
        };
    }

    /**
     * What the caller's CPU loop does next, in the words of {@link Outcome}.
     * @param o the outcome
     * @return one sentence
     */
    public static String outcome(Outcome o) {
        return switch (o) {
            case RESUME -> "the results are written; the vCPU continues at the next PC";
            case HALT -> "the vCPU waits for an interrupt or a kick, then continues at the next PC";
            case YIELD -> "the vCPU gives up its physical CPU (preferably to the target), then continues";
            case EXIT_TO_HOST -> "the call goes to the host (VMM); results are written when the host re-enters the vCPU";
            case FAULT -> "a fault is injected into the guest instead of a result";
            case INTERRUPTED -> "an interruption is delivered to the guest's own handler, where the vCPU continues";
            case STOP -> "the vCPU is powered off";
            case NOT_A_HYPERCALL -> "not a hypercall: the guest's own handler runs";
        };
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static String spaced(String hex) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 2) {
            sb.append(i == 0 ? "" : " ").append(hex, i, Math.min(i + 2, hex.length()));
        }
        return sb.toString();
    }
}
