package dev.hcsim.core.scenario;

/**
 * A malformed scenario: names the file, the line and column, the JSON path and what was expected,
 * in one line.
 */
public final class ScenarioException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ScenarioException(String message) {
        super(message);
    }
}
