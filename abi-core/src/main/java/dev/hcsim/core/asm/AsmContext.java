package dev.hcsim.core.asm;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

/**
 * What an architecture's encoder may ask while assembling one statement: its address, and the
 * value of symbols and simple expressions ({@code 42}, {@code -0x10}, {@code label}, {@code label+8}).
 */
@API(status = INTERNAL, since = "1.0")
public interface AsmContext {
    /**
     * Address of the statement being encoded.
     * @return the guest address the statement's bytes start at
     */
    long pc();

    /**
     * True on the last pass, when every label has its final address.
     * @return whether this is the final pass
     */
    boolean finalPass();

    /**
     * Evaluates a number or label expression. Before the final pass an undefined label evaluates to
     * the statement's own address; on the final pass it is an error.
     * @param expression a number as {@link dev.hcsim.core.Bytes#parseNumber} accepts it, a label, or a label plus or
     *   minus a number
     * @param at the statement the expression belongs to, for error messages
     * @return the value
     * @throws AsmException naming the statement's line for an empty or malformed expression or an undefined label
     */
    long evaluate(String expression, Statement at);

    /**
     * True when {@code text} names a label of the program.
     * @param text the operand as written
     * @return whether a label of that name is defined
     */
    boolean isLabel(String text);
}
