package dev.hcsim.core.asm;

/**
 * What an architecture's encoder may ask while assembling one statement: its address, and the
 * value of symbols and simple expressions ({@code 42}, {@code -0x10}, {@code label}, {@code label+8}).
 */
public interface AsmContext {
    /** Address of the statement being encoded. */
    long pc();

    /** True on the last pass, when every label has its final address. */
    boolean finalPass();

    /**
     * Evaluates a number or label expression. Before the final pass an undefined label evaluates to
     * the statement's own address; on the final pass it is an error.
     */
    long evaluate(String expression, Statement at);

    /** True when {@code text} names a label of the program. */
    boolean isLabel(String text);
}
