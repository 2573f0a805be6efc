package dev.hcsim.core.scenario;

import dev.hcsim.core.trace.SchedEvent;
import dev.hcsim.core.trace.TraceEvent;
import dev.hcsim.core.trace.TrapEvent;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON-lines form of a trace event as plain ordered maps: the field order and the rule that null fields are
 * left out, written once. {@link JsonLines} serialises these maps with Jackson; the Explorer page with the browser's
 * {@code JSON.stringify}, so that both write the same line (trace.schema.json describes it).
 */
public final class TraceJson {
    private TraceJson() {
    }

    /**
     * The event's fields in the trace's order, null fields left out.
     * @param e the event
     * @return strings, numbers, booleans and (for registers) maps of strings, in order
     */
    public static Map<String, Object> fields(TraceEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (e instanceof TrapEvent t) {
            put(m, "type", t.type());
            put(m, "time", t.time());
            put(m, "vm", t.vm());
            put(m, "vcpu", t.vcpu());
            put(m, "pc", t.pc());
            put(m, "bytes", t.bytes());
            put(m, "insn", t.insn());
            put(m, "call", t.call());
            put(m, "nr", t.nr());
            put(m, "narrow", t.narrow());
            put(m, "read", t.read());
            put(m, "written", t.written());
            put(m, "status", t.status());
            put(m, "statusCode", t.statusCode());
            put(m, "outcome", t.outcome());
            put(m, "detail", t.detail());
        } else if (e instanceof SchedEvent s) {
            put(m, "type", s.type());
            put(m, "time", s.time());
            put(m, "vm", s.vm());
            put(m, "vcpu", s.vcpu());
            put(m, "event", s.event());
            put(m, "pcpu", s.pcpu());
            put(m, "target", s.target());
            put(m, "detail", s.detail());
        } else {
            throw new IllegalArgumentException("unknown trace event " + e);
        }
        return m;
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
