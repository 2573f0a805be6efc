package dev.hcsim.core;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
