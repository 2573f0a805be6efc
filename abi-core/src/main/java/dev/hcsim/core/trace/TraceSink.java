package dev.hcsim.core.trace;

/** Receives trace events in order. */
@FunctionalInterface
public interface TraceSink {
    /**
     * Receives the next event.
     * @param e the event
     */
    void accept(TraceEvent e);

    /** A sink that drops everything. */
    TraceSink NONE = e -> {
    };
}
