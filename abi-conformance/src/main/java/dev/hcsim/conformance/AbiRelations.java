package dev.hcsim.conformance;

import dev.hcsim.conformance.spi.PrivilegeRule;
import dev.hcsim.core.Bytes;
import dev.hcsim.core.RegisterLayout;
import dev.hcsim.core.TrapContract;
import dev.hcsim.core.asm.Assembler;
import dev.hcsim.core.spi.Codec;
import dev.hcsim.core.spi.Instruction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The ABI properties that compare two runs, stated over the contract data: privilege, 32-bit
 * truncation, clobber poisoning, isolation between VMs, determinism, and the codec's totality and
 * round trip. Each returns its violations, one line each.
 */
public final class AbiRelations {
    /** Xen's debug builds poison with 0xdeadbeef; two patterns tell a read register from an ignored one. */
    public static final long POISON_A = 0xDEADBEEF_DEADBEEFL;
    /** The second poison pattern; a register read as input gives different answers under the two. */
    public static final long POISON_B = 0xBAD0BAD0_BAD0BAD0L;

    private AbiRelations() {
    }

    /**
     * {@code inv} with the rule's options and registers applied: the unprivileged caller.
     * @param inv the call as a privileged caller makes it
     * @param rule the privilege rule whose caller is set up
     * @return a copy of {@code inv} made by an unprivileged caller
     */
    public static Invocation unprivileged(Invocation inv, PrivilegeRule rule) {
        Map<String, String> opts = new LinkedHashMap<>(inv.options());
        opts.putAll(rule.options());
        Map<String, Long> regs = new LinkedHashMap<>(inv.registers());
        regs.putAll(rule.registers());
        Invocation u = inv.withOptions(opts).withRegisters(regs);
        return u.withTrap(AbiGenerators.traps(dev.hcsim.core.Vm.create(u.config())).get(0));
    }

    /**
     * The privilege rule: an unprivileged caller gets the rule's outcome and status for every number,
     * or, when the rule says so, exactly the privileged caller's answer.
     * @param inv the call as a privileged caller makes it
     * @param rule the privilege rule to check
     * @return the violations, one line each; empty when the property holds
     */
    public static List<String> privilege(Invocation inv, PrivilegeRule rule) {
        Invocation unprivileged = unprivileged(inv, rule);
        OracleRun u = Calls.oracle(unprivileged);
        if (rule.sameAsPrivileged()) {
            Invocation privileged = unprivileged(inv, new PrivilegeRule(rule.options(), Map.of(), null, null, rule.source()));
            return sameAnswer(Calls.oracle(privileged), u);
        }
        List<String> out = new ArrayList<>(AbiProperties.neverThrows(u));
        if (u.observed().outcome() != rule.outcome() || !Objects.equals(u.status(), rule.status())) {
            out.add(unprivileged.commandLine() + ": the unprivileged caller got " + u.observed().outcome() + "/" + u.status() + ", the rule (" + rule.source() + ") says "
                    + rule.outcome() + "/" + rule.status());
        }
        return out;
    }

    /**
     * 32-bit truncation: where the contract compares only 32 bits of the number, or cuts number and
     * arguments in narrow mode, garbage in the upper halves changes nothing.
     * @param inv the call without garbage in the upper halves
     * @return the violations, one line each; empty when the property holds
     */
    public static List<String> truncation(Invocation inv) {
        OracleRun r = Calls.oracle(inv);
        if (r.trap() == null) {
            return AbiProperties.neverThrows(r);
        }
        TrapContract c = r.contract();
        boolean cutArgs = r.trap().narrow() && c.narrowTruncatesArguments();
        if (!cutArgs && c.numberBits() == 64) {
            return List.of();
        }
        Map<String, Long> regs = new LinkedHashMap<>(inv.registers());
        RegisterLayout layout = c.layout();
        Set<Integer> cut = new HashSet<>();
        cut.add(c.numberRegister());
        if (cutArgs) {
            Arrays.stream(c.argumentRegisters()).forEach(cut::add);
        }
        for (int i : cut) {
            regs.computeIfPresent(layout.name(i), (k, v) -> v & 0xFFFF_FFFFL);
        }
        return sameAnswer(r, Calls.oracle(inv.withRegisters(regs)));
    }

    /**
     * Clobber poisoning in the style of Xen's debug builds: every general register that is neither
     * the number, an argument, nor an input the architecture names is poisoned, with two patterns;
     * the answer must not depend on the poison, and every poisoned register that is not a result must
     * come back holding its poison.
     * @param inv the call to poison
     * @return the violations, one line each; empty when the property holds
     */
    public static List<String> poisoning(Invocation inv) {
        OracleRun a = Calls.oracle(poison(inv, POISON_A));
        OracleRun b = Calls.oracle(poison(inv, POISON_B));
        List<String> out = new ArrayList<>(sameAnswer(a, b));
        TrapContract c = a.contract();
        for (int i : poisoned(inv)) {
            if (!c.isResult(i) && a.after(i) != POISON_A) {
                out.add(c.layout().name(i) + " lost its poison: " + Bytes.hex64(a.after(i)));
            }
        }
        return out;
    }

    /**
     * {@code inv} with every poisoned register set to {@code pattern}.
     * @param inv the call to poison
     * @param pattern the 64-bit poison value, {@link #POISON_A} or {@link #POISON_B}
     * @return a copy of {@code inv} with the poisoned registers
     */
    public static Invocation poison(Invocation inv, long pattern) {
        Map<String, Long> regs = new LinkedHashMap<>(inv.registers());
        RegisterLayout layout = dev.hcsim.core.Hcsim.architecture(inv.architecture()).registers();
        for (int i : poisoned(inv)) {
            regs.put(layout.name(i), pattern);
        }
        return inv.withRegisters(regs);
    }

    private static Set<Integer> poisoned(Invocation inv) {
        var arch = dev.hcsim.core.Hcsim.architecture(inv.architecture());
        TrapContract c = arch.contract();
        Set<Integer> out = new HashSet<>();
        for (int i : c.layout().generalIndices()) {
            out.add(i);
        }
        out.remove(c.layout().zeroRegister());
        out.remove(c.numberRegister());
        Arrays.stream(c.argumentRegisters()).forEach(out::remove);
        Providers.extraInputs(arch.name()).forEach(n -> out.remove(c.layout().require(n)));
        return out;
    }

    /**
     * Two runs whose inputs differ only in registers the answer must not depend on answer alike: same
     * outcome, status, PC, memory and effects; every register ends equal, or was left untouched in
     * both runs and differed on input.
     */
    static List<String> sameAnswer(OracleRun a, OracleRun b) {
        List<String> out = new ArrayList<>(AbiProperties.neverThrows(a));
        out.addAll(AbiProperties.neverThrows(b));
        if (!out.isEmpty()) {
            return out;
        }
        if (a.observed().outcome() != b.observed().outcome() || a.status() != b.status()) {
            out.add("answers differ: " + a.observed().outcome() + "/" + a.status() + " vs " + b.observed().outcome() + "/" + b.status());
        }
        if (a.observed().after().pc() != b.observed().after().pc()) {
            out.add("PC differs: " + Bytes.hex64(a.observed().after().pc()) + " vs " + Bytes.hex64(b.observed().after().pc()));
        }
        RegisterLayout layout = a.contract().layout();
        for (int i = 0; i < layout.size(); i++) {
            boolean same = a.after(i) == b.after(i);
            boolean untouched = a.after(i) == a.before(i) && b.after(i) == b.before(i);
            if (!same && !(untouched && a.before(i) != b.before(i))) {
                out.add(layout.name(i) + " differs: " + Bytes.hex64(a.after(i)) + " vs " + Bytes.hex64(b.after(i)));
            }
        }
        List<String> rest = Differential.compare(a.observed(), b.observed()).stream()
                .filter(s -> s.startsWith("memory") || s.startsWith("effects")).toList();
        out.addAll(rest);
        return out;
    }

    /**
     * Isolation: running {@code other} on another VM between two runs of {@code inv} changes
     * neither {@code inv}'s answer nor, afterwards, anything in the other VM's memory.
     * @param inv the call run twice on its own VM
     * @param other the call run once on a second VM in between
     * @return the violations, one line each; empty when the property holds
     */
    public static List<String> isolation(Invocation inv, Invocation other) {
        Observation first = Calls.oracle(inv).observed();
        Observation b = Calls.oracle(other).observed();
        byte[] snapshot = dump(b);
        Observation again = Calls.oracle(inv).observed();
        List<String> out = new ArrayList<>(Differential.compare(first, again));
        if (!Arrays.equals(snapshot, dump(b))) {
            out.add("the other VM's memory changed while this VM ran");
        }
        return out;
    }

    private static byte[] dump(Observation o) {
        long size = o.memory().regions().get(0).size();
        byte[] all = new byte[(int) Math.min(size, 1 << 20)];
        o.memory().read(o.memory().regions().get(0).base(), all, 0, all.length);
        return all;
    }

    /**
     * Determinism: the same machine with the same seed gives a byte-identical trace.
     * @param m the machine to run twice
     * @return the violations, one line each; empty when the property holds
     */
    public static List<String> determinism(MachineCase m) {
        String first = m.trace();
        String second = m.trace();
        return first.equals(second) ? List.of() : List.of("two runs with seed " + m.seed() + " gave different traces");
    }

    /**
     * Decoder totality: any bytes decode without an exception to an instruction of a length within
     * the bytes given, with a text.
     * @param codec the architecture's codec
     * @param bytes the bytes to decode, any content
     * @param pc the address the bytes are decoded at
     * @return the violations, one line each; empty when the property holds
     */
    public static List<String> decoderTotal(Codec codec, byte[] bytes, long pc) {
        Instruction insn;
        try {
            insn = codec.decode(bytes, 0, bytes.length, pc);
        } catch (RuntimeException e) {
            return List.of("decoding " + Bytes.hex(bytes) + " threw " + e);
        }
        if (insn == null || insn.text() == null || insn.text().isEmpty()) {
            return List.of("decoding " + Bytes.hex(bytes) + " gave no instruction text");
        }
        if (insn.length() < 1 || insn.length() > bytes.length) {
            return List.of("decoding " + Bytes.hex(bytes) + " gave length " + insn.length());
        }
        return List.of();
    }

    /**
     * Assembler round trip: the disassembly of a word the decoder accepts assembles at the same address,
     * and assembling the disassembly of that reaches a fixed point: {@code asm(dis(asm(dis(w))))} equals
     * {@code asm(dis(w))}. Bytes need not come back identical (a redundant prefix such as x86's bare
     * REX 0x40 decodes, but GNU as never emits it), nor the text: objdump renders MIPS {@code ori $0,$0,0}
     * as {@code li zero,0x0}, which GNU as assembles as {@code addiu}, read back as {@code li zero,0}.
     * Canonical bytes are the binutils cross-check's business.
     * @param codec the architecture's codec
     * @param bytes the bytes to decode; a word the decoder rejects passes trivially
     * @param pc the address the bytes are decoded and assembled at
     * @return the violations, one line each; empty when the property holds
     */
    public static List<String> roundTrip(Codec codec, byte[] bytes, long pc) {
        Instruction insn = codec.decode(bytes, 0, bytes.length, pc);
        if (!insn.isValid()) {
            return List.of();
        }
        String hex = Bytes.hex(Arrays.copyOf(bytes, insn.length()));
        try {
            byte[] once = Assembler.assemble(codec, insn.text(), pc).bytes();
            String again = codec.decode(once, 0, once.length, pc).text();
            byte[] twice = Assembler.assemble(codec, again, pc).bytes();
            if (!Arrays.equals(once, twice)) {
                return List.of("'" + insn.text() + "' decoded from " + hex + " assembles to " + Bytes.hex(once) + ", read as '" + again
                        + "', which assembles to " + Bytes.hex(twice));
            }
        } catch (RuntimeException e) {
            return List.of("'" + insn.text() + "' decoded from " + hex + " does not assemble back: " + e.getMessage());
        }
        return List.of();
    }
}
