package dev.hcsim.core.asm;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

/** An assembly error with the 1-based source line it belongs to (0 when not tied to a line). */
@API(status = INTERNAL, since = "1.0")
public final class AsmException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    /** The 1-based source line of the statement at fault, or 0 when none applies. */
    private final int line;

    /**
     * An error at source line {@code line}.
     * @param line the 1-based source line, or 0 when none applies
     * @param message the one-line description
     */
    public AsmException(int line, String message) {
        super(message);
        this.line = line;
    }

    /**
     * The source line of the statement at fault.
     * @return the 1-based line, or 0 when none applies
     */
    public int line() {
        return line;
    }

    @Override
    public String getMessage() {
        return line > 0 ? "line " + line + ": " + super.getMessage() : super.getMessage();
    }
}
