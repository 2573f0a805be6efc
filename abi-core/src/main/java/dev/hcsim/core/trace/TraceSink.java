package dev.hcsim.core.trace;

/** Receives trace events in order. */
@FunctionalInterface
public interface TraceSink {
    void accept(TraceEvent e);

    /** A sink that drops everything. */
    TraceSink NONE = e -> {
    };
}
