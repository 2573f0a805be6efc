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

    public List<TraceEvent> events() {
        return Collections.unmodifiableList(events);
    }

    /** True when some event's JSON line contains {@code text}. */
    public boolean contains(String text) {
        for (TraceEvent e : events) {
            if (JsonLines.line(e).contains(text)) {
                return true;
            }
        }
        return false;
    }
}
