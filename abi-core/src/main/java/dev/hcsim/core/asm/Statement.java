package dev.hcsim.core.asm;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * One assembly statement: a mnemonic (lower case) and its operands as written, split at top-level
 * commas, with the line it came from for error messages.
 */
@API(status = INTERNAL, since = "1.0")
public record Statement(String mnemonic, List<String> operands, int line, String source) {
    /**
     * Copies the operands.
     * @param mnemonic the mnemonic, lower case
     * @param operands the operands as written, split at top-level commas
     * @param line the 1-based source line
     * @param source the statement's text as written, for messages
     */
    public Statement {
        operands = List.copyOf(operands);
    }

    /**
     * Operand {@code i}, or an {@link AsmException} naming the statement when it is missing.
     * @param i the operand's position, from 0
     * @return the operand as written
     * @throws AsmException when the statement has fewer operands
     */
    public String operand(int i) {
        if (i >= operands.size()) {
            throw new AsmException(line, "'" + source.trim() + "': missing operand " + (i + 1));
        }
        return operands.get(i);
    }

    /**
     * Throws unless the statement has exactly {@code n} operands.
     * @param n the operand count the mnemonic takes
     * @throws AsmException naming the statement when the count differs
     */
    public void expectOperands(int n) {
        if (operands.size() != n) {
            throw new AsmException(line, "'" + source.trim() + "': expected " + n + " operand" + (n == 1 ? "" : "s") + ", got " + operands.size());
        }
    }

    /**
     * An error about this statement.
     * @param message the one-line description
     * @return an exception with this statement's line and text, for the caller to throw
     */
    public AsmException error(String message) {
        return new AsmException(line, "'" + source.trim() + "': " + message);
    }
}
