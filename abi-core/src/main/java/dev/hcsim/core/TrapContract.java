package dev.hcsim.core;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * The trap contract of one architecture as data: which register holds the hypercall number, the
 * argument registers in order, the result registers, what happens to results a call does not set,
 * and the narrow-mode (32-bit) rules. The same object drives dispatch, the conformance properties,
 * {@code hcsim explain} and the generated ABI tables, so the four cannot disagree.
 */
@API(status = STABLE, since = "1.0")
public final class TrapContract {

    /** What the engine writes to result registers that a handler left unset. */
    public enum UnsetResults {
        /** Left as they were (only the registers a call sets change). */
        UNCHANGED,
        /** Written with zero (unused result registers are zeroed). */
        ZEROED
    }

    private final String trapInstructions;
    private final int numberRegister;
    private final int numberBits;
    private final int[] argumentRegisters;
    private final int[] resultRegisters;
    private final UnsetResults unsetResults;
    private final boolean narrowTruncatesArguments;
    private final boolean narrowTruncatesResults;
    private final String narrowRule;
    private final String pcRule;
    private final String privilegeRule;
    private final List<String> notes;
    private final List<Produced> produces;
    private final RegisterLayout layout;
    private final int[] preserved;

    private TrapContract(Builder b) {
        this.layout = b.layout;
        this.trapInstructions = b.trapInstructions;
        this.numberRegister = b.numberRegister;
        this.numberBits = b.numberBits;
        this.argumentRegisters = b.arguments.stream().mapToInt(Integer::intValue).toArray();
        this.resultRegisters = b.results.stream().mapToInt(Integer::intValue).toArray();
        this.unsetResults = b.unsetResults;
        this.narrowTruncatesArguments = b.narrowTruncatesArguments;
        this.narrowTruncatesResults = b.narrowTruncatesResults;
        this.narrowRule = b.narrowRule;
        this.pcRule = b.pcRule;
        this.privilegeRule = b.privilegeRule;
        this.notes = List.copyOf(b.notes);
        this.produces = List.copyOf(b.produces);
        List<Integer> keep = new ArrayList<>();
        for (int g : layout.generalIndices()) {
            if (Arrays.stream(resultRegisters).noneMatch(r -> r == g) && g != layout.zeroRegister()) {
                keep.add(g);
            }
        }
        this.preserved = keep.stream().mapToInt(Integer::intValue).toArray();
        if (numberBits != 32 && numberBits != 64) {
            throw new IllegalArgumentException("number width must be 32 or 64 bits");
        }
    }

    /**
     * Starts a contract over {@code layout}.
     * @param layout the architecture's register layout; register names are looked up in it
     * @return an empty builder
     */
    public static Builder builder(RegisterLayout layout) {
        return new Builder(layout);
    }

    /**
     * The register layout the contract names registers in.
     * @return the architecture's layout
     */
    public RegisterLayout layout() {
        return layout;
    }

    /**
     * The trap instruction forms, as text: mnemonics with their bytes.
     * @return the text, as the ABI table prints it
     */
    public String trapInstructions() {
        return trapInstructions;
    }

    /**
     * Index of the register that holds the hypercall number or function ID.
     * @return a register index in the layout
     */
    public int numberRegister() {
        return numberRegister;
    }

    /**
     * How many low bits of the number register are compared (32 or 64).
     * @return 32 or 64
     */
    public int numberBits() {
        return numberBits;
    }

    /**
     * Number of argument registers.
     * @return the count, 0 to 6 today
     */
    public int argumentCount() {
        return argumentRegisters.length;
    }

    /**
     * Index of argument register {@code i} (0-based).
     * @param i the argument's position, 0 to argumentCount-1
     * @return a register index in the layout
     */
    public int argumentRegister(int i) {
        return argumentRegisters[i];
    }

    /**
     * Number of result registers.
     * @return the count, at least 1
     */
    public int resultCount() {
        return resultRegisters.length;
    }

    /**
     * Index of result register {@code i}; result 0 carries the status.
     * @param i the result's position, 0 to resultCount-1
     * @return a register index in the layout
     */
    public int resultRegister(int i) {
        return resultRegisters[i];
    }

    /**
     * The argument registers, in argument order.
     * @return a fresh array of register indices
     */
    public int[] argumentRegisters() {
        return argumentRegisters.clone();
    }

    /**
     * The result registers, in result order (result 0 carries the status).
     * @return a fresh array of register indices
     */
    public int[] resultRegisters() {
        return resultRegisters.clone();
    }

    /**
     * General registers a hypercall never changes (every general register but the results and the zero register).
     * @return a fresh array of register indices
     */
    public int[] preservedRegisters() {
        return preserved.clone();
    }

    /**
     * True when {@code reg} may be written by a hypercall.
     * @param reg a register index in the layout
     * @return whether {@code reg} is a result register
     */
    public boolean isResult(int reg) {
        for (int r : resultRegisters) {
            if (r == reg) {
                return true;
            }
        }
        return false;
    }

    /**
     * What a result register the call does not set holds afterwards.
     * @return the rule for unset results
     */
    public UnsetResults unsetResults() {
        return unsetResults;
    }

    /**
     * In narrow (32-bit) mode, are arguments and the number cut to their low 32 bits?
     * @return true when they are
     */
    public boolean narrowTruncatesArguments() {
        return narrowTruncatesArguments;
    }

    /**
     * In narrow (32-bit) mode, are results cut to 32 bits and zero-extended?
     * @return true when they are
     */
    public boolean narrowTruncatesResults() {
        return narrowTruncatesResults;
    }

    /**
     * The narrow-mode rule in words, with its kernel source.
     * @return the text, {@code "no 32-bit mode"} when the architecture has none
     */
    public String narrowRule() {
        return narrowRule;
    }

    /**
     * Where the PC ends after a call, in words.
     * @return the text
     */
    public String pcRule() {
        return pcRule;
    }

    /**
     * The privilege rule in words.
     * @return the text, {@code "none"} when any caller may make hypercalls
     */
    public String privilegeRule() {
        return privilegeRule;
    }

    /**
     * Further rules worth knowing, each with its source.
     * @return an unmodifiable list, one rule per entry
     */
    public List<String> notes() {
        return notes;
    }

    /**
     * Every fault and every exit a trap of this architecture can produce, each with the kernel condition
     * and source: what {@code hcsim explain} lists. A trap result whose fault or exit is not listed here
     * is a bug (each architecture's tests check that nothing unlisted is produced).
     * @return an unmodifiable list, faults first, in the order the architecture declared them
     */
    public List<Produced> produces() {
        return produces;
    }

    /**
     * The listed entry a trap result's fault or exit matches: same outcome and same kind.
     * @param r a trap result
     * @return the entry, or empty when {@code r} has no fault and no exit (a completed call) or when its kind is not listed
     */
    public Optional<Produced> listing(TrapResult r) {
        return listing(r.outcome(), r.exit(), r.fault());
    }

    /**
     * The listed entry an outcome with its exit or fault matches.
     * @param o the outcome
     * @param exit the exit that came with it, or null
     * @param fault the fault that came with it, or null
     * @return the entry, or empty when there is neither exit nor fault (and {@code o} is not NOT_A_HYPERCALL) or when the
     *         kind is not listed
     */
    public Optional<Produced> listing(Outcome o, Exit exit, Fault fault) {
        String kind = exit != null ? exit.kind() : fault != null ? fault.kind()
                : o == Outcome.NOT_A_HYPERCALL ? Produced.NO_FAULT : null;
        if (kind == null) {
            return Optional.empty();
        }
        for (Produced p : produces) {
            if (p.outcomes().contains(o) && p.kind().equals(kind)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /**
     * One kind of fault or exit a trap can produce.
     * @param outcomes the outcomes it comes with: {@link Outcome#EXIT_TO_HOST} for an exit; for a fault
     *                 {@link Outcome#FAULT} (for the embedder to inject), {@link Outcome#INTERRUPTED} (already delivered)
     *                 or {@link Outcome#NOT_A_HYPERCALL} (the guest's own handler takes it)
     * @param kind {@link Fault#kind()} or {@link Exit#kind()}; {@link #NO_FAULT} for a NOT_A_HYPERCALL without a fault
     * @param condition when the kernel (or the VMM hcsim plays) produces it
     * @param source where: kernel file and function
     */
    public record Produced(Set<Outcome> outcomes, String kind, String condition, String source) {
        /** The kind of a {@link Outcome#NOT_A_HYPERCALL} that carries no fault (nothing happens at all). */
        public static final String NO_FAULT = "no exception";

        /**
         * Checks and copies.
         * @param outcomes at least one
         * @param kind not blank
         * @param condition not blank
         * @param source not blank
         */
        public Produced {
            if (outcomes.isEmpty() || kind.isBlank() || condition.isBlank() || source.isBlank()) {
                throw new IllegalArgumentException("a produced fault or exit needs an outcome, a kind, a condition and a source");
            }
            outcomes = Set.copyOf(EnumSet.copyOf(outcomes));
        }

        /**
         * True for an exit to the host.
         * @return whether the entry is an exit
         */
        public boolean isExit() {
            return outcomes.contains(Outcome.EXIT_TO_HOST);
        }

        /**
         * The outcomes in declaration order, joined with {@code |}.
         * @return for example {@code FAULT|INTERRUPTED}
         */
        public String outcomeNames() {
            StringBuilder b = new StringBuilder();
            for (Outcome o : EnumSet.copyOf(outcomes)) {
                b.append(b.length() == 0 ? "" : "|").append(o.name());
            }
            return b.toString();
        }
    }

    /**
     * Names of registers for display.
     * @param regs register indices in the layout
     * @return their ABI names, in the same order
     */
    public List<String> names(int[] regs) {
        List<String> out = new ArrayList<>();
        for (int r : regs) {
            out.add(layout.name(r));
        }
        return out;
    }

    /** Builder for {@link TrapContract}. */
    public static final class Builder {
        private final RegisterLayout layout;
        private String trapInstructions = "";
        private int numberRegister = -1;
        private int numberBits = 64;
        private final List<Integer> arguments = new ArrayList<>();
        private final List<Integer> results = new ArrayList<>();
        private UnsetResults unsetResults = UnsetResults.UNCHANGED;
        private boolean narrowTruncatesArguments;
        private boolean narrowTruncatesResults;
        private String narrowRule = "no 32-bit mode";
        private String pcRule = "PC advances past the trap instruction";
        private String privilegeRule = "none";
        private final List<String> notes = new ArrayList<>();
        private final List<Produced> produces = new ArrayList<>();

        private Builder(RegisterLayout layout) {
            this.layout = layout;
        }

        /**
         * Sets the trap instruction forms as text.
         * @param s mnemonics with their bytes, as text
         * @return this builder
         */
        public Builder trapInstructions(String s) {
            trapInstructions = s;
            return this;
        }

        /**
         * Sets the number register and how many of its bits are compared.
         * @param reg the register's ABI name
         * @param bits 32 or 64
         * @return this builder
         * @throws IllegalArgumentException when the layout has no such register
         */
        public Builder number(String reg, int bits) {
            numberRegister = layout.require(reg);
            numberBits = bits;
            return this;
        }

        /**
         * Appends argument registers, in argument order.
         * @param regs the registers' ABI names
         * @return this builder
         * @throws IllegalArgumentException when the layout lacks one of them
         */
        public Builder arguments(String... regs) {
            for (String r : regs) {
                arguments.add(layout.require(r));
            }
            return this;
        }

        /**
         * Appends result registers, in result order; the first carries the status.
         * @param regs the registers' ABI names
         * @return this builder
         * @throws IllegalArgumentException when the layout lacks one of them
         */
        public Builder results(String... regs) {
            for (String r : regs) {
                results.add(layout.require(r));
            }
            return this;
        }

        /**
         * Sets what a result register the call does not set holds (default UNCHANGED).
         * @param u the rule
         * @return this builder
         */
        public Builder unsetResults(UnsetResults u) {
            unsetResults = u;
            return this;
        }

        /**
         * Declares the 32-bit mode's truncation rules.
         * @param truncateArguments whether number and arguments are cut to 32 bits
         * @param truncateResults whether results are cut to 32 bits and zero-extended
         * @param rule the rule in words, with its kernel source
         * @return this builder
         */
        public Builder narrow(boolean truncateArguments, boolean truncateResults, String rule) {
            narrowTruncatesArguments = truncateArguments;
            narrowTruncatesResults = truncateResults;
            narrowRule = rule;
            return this;
        }

        /**
         * Sets where the PC ends after a call, in words.
         * @param s the rule
         * @return this builder
         */
        public Builder pcRule(String s) {
            pcRule = s;
            return this;
        }

        /**
         * Sets the privilege rule in words.
         * @param s the rule, with its kernel source
         * @return this builder
         */
        public Builder privilegeRule(String s) {
            privilegeRule = s;
            return this;
        }

        /**
         * Adds a further rule worth knowing.
         * @param s the rule, with its source
         * @return this builder
         */
        public Builder note(String s) {
            notes.add(s);
            return this;
        }

        /**
         * Lists a fault the trap can produce.
         * @param example a fault of the kind (its addresses do not matter; only {@link Fault#kind()} is kept), or null for a
         *                NOT_A_HYPERCALL that carries none
         * @param condition when, in the kernel's terms
         * @param source kernel file and function
         * @param outcome FAULT, INTERRUPTED or NOT_A_HYPERCALL
         * @param more further outcomes the same fault comes with
         * @return this builder
         */
        public Builder fault(Fault example, String condition, String source, Outcome outcome, Outcome... more) {
            EnumSet<Outcome> os = EnumSet.of(outcome, more);
            if (os.contains(Outcome.EXIT_TO_HOST) || (example == null && !os.equals(EnumSet.of(Outcome.NOT_A_HYPERCALL)))) {
                throw new IllegalArgumentException("a fault comes with FAULT, INTERRUPTED or NOT_A_HYPERCALL (only the last without a fault)");
            }
            produces.add(new Produced(os, example == null ? Produced.NO_FAULT : example.kind(), condition, source));
            return this;
        }

        /**
         * Lists an exit to the host the trap can produce.
         * @param example an exit of the kind (its payload does not matter; only {@link Exit#kind()} is kept)
         * @param condition when, in the kernel's terms
         * @param source kernel file and function
         * @return this builder
         */
        public Builder exit(Exit example, String condition, String source) {
            produces.add(new Produced(EnumSet.of(Outcome.EXIT_TO_HOST), example.kind(), condition, source));
            return this;
        }

        /**
         * Builds the contract.
         * @return the contract
         * @throws IllegalStateException when no number register or no result register was set
         */
        public TrapContract build() {
            if (numberRegister < 0 || results.isEmpty()) {
                throw new IllegalStateException("a trap contract needs a number register and at least one result register");
            }
            return new TrapContract(this);
        }
    }
}
