package dev.hcsim.core.asm;

import java.util.List;

/**
 * One assembly statement: a mnemonic (lower case) and its operands as written, split at top-level
 * commas, with the line it came from for error messages.
 */
public record Statement(String mnemonic, List<String> operands, int line, String source) {
    public Statement {
        operands = List.copyOf(operands);
    }

    /** Operand {@code i}, or an {@link AsmException} naming the statement when it is missing. */
    public String operand(int i) {
        if (i >= operands.size()) {
            throw new AsmException(line, "'" + source.trim() + "': missing operand " + (i + 1));
        }
        return operands.get(i);
    }

    /** Throws unless the statement has exactly {@code n} operands. */
    public void expectOperands(int n) {
        if (operands.size() != n) {
            throw new AsmException(line, "'" + source.trim() + "': expected " + n + " operand" + (n == 1 ? "" : "s") + ", got " + operands.size());
        }
    }

    /** An error about this statement. */
    public AsmException error(String message) {
        return new AsmException(line, "'" + source.trim() + "': " + message);
    }
}
