package dev.hcsim.core.asm;

/** An assembly error with the 1-based source line it belongs to (0 when not tied to a line). */
public final class AsmException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int line;

    public AsmException(int line, String message) {
        super(message);
        this.line = line;
    }

    public int line() {
        return line;
    }

    @Override
    public String getMessage() {
        return line > 0 ? "line " + line + ": " + super.getMessage() : super.getMessage();
    }
}
