package dev.hcsim.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The trap contract of one architecture as data: which register holds the hypercall number, the
 * argument registers in order, the result registers, what happens to results a call does not set,
 * and the narrow-mode (32-bit) rules. The same object drives dispatch, the conformance properties,
 * {@code hcsim explain} and the generated ABI tables, so the four cannot disagree.
 */
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

    /** Starts a contract over {@code layout}. */
    public static Builder builder(RegisterLayout layout) {
        return new Builder(layout);
    }

    public RegisterLayout layout() {
        return layout;
    }

    /** The trap instruction forms, as text: mnemonics with their bytes. */
    public String trapInstructions() {
        return trapInstructions;
    }

    /** Index of the register that holds the hypercall number or function ID. */
    public int numberRegister() {
        return numberRegister;
    }

    /** How many low bits of the number register are compared (32 or 64). */
    public int numberBits() {
        return numberBits;
    }

    /** Number of argument registers. */
    public int argumentCount() {
        return argumentRegisters.length;
    }

    /** Index of argument register {@code i} (0-based). */
    public int argumentRegister(int i) {
        return argumentRegisters[i];
    }

    /** Number of result registers. */
    public int resultCount() {
        return resultRegisters.length;
    }

    /** Index of result register {@code i}; result 0 carries the status. */
    public int resultRegister(int i) {
        return resultRegisters[i];
    }

    public int[] argumentRegisters() {
        return argumentRegisters.clone();
    }

    public int[] resultRegisters() {
        return resultRegisters.clone();
    }

    /** General registers a hypercall never changes (every general register but the results and the zero register). */
    public int[] preservedRegisters() {
        return preserved.clone();
    }

    /** True when {@code reg} may be written by a hypercall. */
    public boolean isResult(int reg) {
        for (int r : resultRegisters) {
            if (r == reg) {
                return true;
            }
        }
        return false;
    }

    public UnsetResults unsetResults() {
        return unsetResults;
    }

    /** In narrow (32-bit) mode, are arguments and the number cut to their low 32 bits? */
    public boolean narrowTruncatesArguments() {
        return narrowTruncatesArguments;
    }

    /** In narrow (32-bit) mode, are results cut to 32 bits and zero-extended? */
    public boolean narrowTruncatesResults() {
        return narrowTruncatesResults;
    }

    /** The narrow-mode rule in words, with its kernel source. */
    public String narrowRule() {
        return narrowRule;
    }

    /** Where the PC ends after a call, in words. */
    public String pcRule() {
        return pcRule;
    }

    /** The privilege rule in words. */
    public String privilegeRule() {
        return privilegeRule;
    }

    /** Further rules worth knowing, each with its source. */
    public List<String> notes() {
        return notes;
    }

    /** Names of registers for display. */
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

        public Builder trapInstructions(String s) {
            trapInstructions = s;
            return this;
        }

        public Builder number(String reg, int bits) {
            numberRegister = layout.require(reg);
            numberBits = bits;
            return this;
        }

        public Builder arguments(String... regs) {
            for (String r : regs) {
                arguments.add(layout.require(r));
            }
            return this;
        }

        public Builder results(String... regs) {
            for (String r : regs) {
                results.add(layout.require(r));
            }
            return this;
        }

        public Builder unsetResults(UnsetResults u) {
            unsetResults = u;
            return this;
        }

        public Builder narrow(boolean truncateArguments, boolean truncateResults, String rule) {
            narrowTruncatesArguments = truncateArguments;
            narrowTruncatesResults = truncateResults;
            narrowRule = rule;
            return this;
        }

        public Builder pcRule(String s) {
            pcRule = s;
            return this;
        }

        public Builder privilegeRule(String s) {
            privilegeRule = s;
            return this;
        }

        public Builder note(String s) {
            notes.add(s);
            return this;
        }

        public TrapContract build() {
            if (numberRegister < 0 || results.isEmpty()) {
                throw new IllegalStateException("a trap contract needs a number register and at least one result register");
            }
            return new TrapContract(this);
        }
    }
}
