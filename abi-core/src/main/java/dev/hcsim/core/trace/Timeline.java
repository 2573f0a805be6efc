package dev.hcsim.core.trace;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders a trace as a readable text timeline, one line per event, for people. */
public final class Timeline {
    private Timeline() {
    }

    /**
     * The whole timeline.
     * @param events the trace, in order
     * @return one line per event, each ending with a newline
     */
    public static String render(List<TraceEvent> events) {
        StringBuilder sb = new StringBuilder();
        for (TraceEvent e : events) {
            sb.append(line(e)).append('\n');
        }
        return sb.toString();
    }

    /**
     * One event as one line: time, VM and vCPU, then what happened.
     * @param e the event
     * @return the line, without a newline
     */
    public static String line(TraceEvent e) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%8d ns  %-12s ", e.time(), e.vm() + (e.vcpu() < 0 ? "" : "/vcpu" + e.vcpu())));
        if (e instanceof TrapEvent t) {
            sb.append("trap  ").append(t.insn()).append(" @").append(t.pc());
            if (t.call() != null || t.nr() != null) {
                sb.append("  ").append(t.call() != null ? t.call() : "nr=" + t.nr());
            }
            if (t.read() != null && !t.read().isEmpty()) {
                sb.append('(').append(join(t.read())).append(')');
            }
            if (t.status() != null) {
                sb.append(" -> ").append(t.statusCode() != null ? t.statusCode() : t.status());
            }
            if (t.written() != null && !t.written().isEmpty()) {
                sb.append("  [").append(join(t.written())).append(']');
            }
            sb.append("  ").append(t.outcome());
            if (t.detail() != null) {
                sb.append(": ").append(t.detail());
            }
        } else if (e instanceof SchedEvent s) {
            sb.append(String.format(Locale.ROOT, "%-6s", s.event()));
            if (s.pcpu() != null) {
                sb.append(" on pcpu").append(s.pcpu());
            }
            if (s.target() != null) {
                sb.append(" -> vcpu").append(s.target());
            }
            if (s.detail() != null) {
                sb.append("  ").append(s.detail());
            }
        }
        return sb.toString().stripTrailing();
    }

    private static String join(Map<String, String> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(k).append('=').append(shortHex(v));
        });
        return sb.toString();
    }

    private static String shortHex(String v) {
        if (v.startsWith("0x")) {
            String digits = v.substring(2).replaceFirst("^0+(?=.)", "");
            return "0x" + digits;
        }
        return v;
    }
}
