package dev.hcsim.core.scenario;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.hcsim.core.trace.Trace;
import dev.hcsim.core.trace.TraceEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;

/** Writes trace events as JSON lines with Jackson: one object per line, fields in {@link TraceJson}'s order. */
public final class JsonLines {
    private static final ObjectMapper MAPPER = new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT)
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, false); // TraceJson's order is the trace's

    private JsonLines() {
    }

    /**
     * One event as one JSON line (no newline).
     * @param e the event
     * @return the JSON object as text
     */
    public static String line(TraceEvent e) {
        try {
            return MAPPER.writeValueAsString(TraceJson.fields(e));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("trace event cannot be written: " + ex.getMessage(), ex);
        }
    }

    /**
     * Writes every event, one per line.
     * @param events the events, in order
     * @param out where the lines go; flushed at the end
     * @throws java.io.UncheckedIOException when writing fails
     */
    public static void write(List<TraceEvent> events, Writer out) {
        try {
            for (TraceEvent e : events) {
                WRITER.writeValue(out, TraceJson.fields(e)); // straight into the writer: no String per event
                out.write('\n');
            }
            if (events.size() != 1) {
                out.flush(); // one event at a time is a stream: its owner flushes
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** Writes into the caller's stream and leaves it open (no close, no flush per value). */
    private static final com.fasterxml.jackson.databind.ObjectWriter WRITER = MAPPER.writer()
            .without(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);

    /**
     * True when some event's JSON line contains {@code text}.
     * @param trace the trace
     * @param text the text to look for
     * @return whether any event's JSON line contains it
     */
    public static boolean contains(Trace trace, String text) {
        for (TraceEvent e : trace.events()) {
            if (line(e).contains(text)) {
                return true;
            }
        }
        return false;
    }
}
