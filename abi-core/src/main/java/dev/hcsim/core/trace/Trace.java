package dev.hcsim.core.trace;

import static org.apiguardian.api.API.Status.MAINTAINED;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apiguardian.api.API;

/**
 * An in-memory trace: the events of a run, in order. Unbounded by default; {@link #Trace(int)} keeps only the first
 * events and counts the rest, so that a long run costs bounded memory (stream the whole trace through a
 * {@link TraceSink} instead).
 */
@API(status = MAINTAINED, since = "1.0")
public final class Trace implements TraceSink {
    private final List<TraceEvent> events = new ArrayList<>();
    private final int keep;
    private long total;

    /** A trace that keeps every event. */
    public Trace() {
        this(Integer.MAX_VALUE);
    }

    /**
     * A trace that keeps the first {@code keep} events and only counts the others.
     * @param keep how many events to keep, at least 0
     */
    public Trace(int keep) {
        if (keep < 0) {
            throw new IllegalArgumentException("keep must be at least 0");
        }
        this.keep = keep;
    }

    @Override
    public void accept(TraceEvent e) {
        total++;
        if (events.size() < keep) {
            events.add(e);
        }
    }

    /**
     * The events kept, in order.
     * @return an unmodifiable view
     */
    public List<TraceEvent> events() {
        return Collections.unmodifiableList(events);
    }

    /**
     * How many events were recorded, kept or not.
     * @return the number of events accepted
     */
    public long total() {
        return total;
    }

    /**
     * How many events were counted but not kept.
     * @return {@code total() - events().size()}
     */
    public long omitted() {
        return total - events.size();
    }
}
