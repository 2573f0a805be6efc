package dev.hcsim.core.trace;

import static org.apiguardian.api.API.Status.MAINTAINED;

import org.apiguardian.api.API;

/** Receives trace events in order. */
@API(status = MAINTAINED, since = "1.0")
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
