package dev.hcsim.core.scenario;

/**
 * A malformed scenario: names the file, the line and column, the JSON path and what was expected,
 * in one line.
 */
public final class ScenarioException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * A scenario error.
     * @param message one line that names the file and the place in it
     */
    public ScenarioException(String message) {
        super(message);
    }
}
