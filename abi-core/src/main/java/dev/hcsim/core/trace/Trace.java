package dev.hcsim.core.trace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** An in-memory trace: every event of a run, in order. */
public final class Trace implements TraceSink {
    private final List<TraceEvent> events = new ArrayList<>();

    @Override
    public void accept(TraceEvent e) {
        events.add(e);
    }

    /**
     * The events recorded so far, in order.
     * @return an unmodifiable view
     */
    public List<TraceEvent> events() {
        return Collections.unmodifiableList(events);
    }
}
