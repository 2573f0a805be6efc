package dev.hcsim.core.trace;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;

/** Renders a trace as a readable text timeline, one line per event, for people. */
@API(status = INTERNAL, since = "1.0")
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
        // "%8d ns  %-12s " by hand: String.format cost microseconds per event on long runs
        String time = Long.toString(e.time());
        sb.append(" ".repeat(Math.max(0, 8 - time.length()))).append(time).append(" ns  ");
        String who = e.vm() + (e.vcpu() < 0 ? "" : "/vcpu" + e.vcpu());
        sb.append(who).append(" ".repeat(Math.max(0, 12 - who.length()))).append(' ');
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
            sb.append(s.event()).append(" ".repeat(Math.max(0, 6 - s.event().length())));
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
        // guest programs and scenario files put text here (instruction text, details): one safe line, never a terminal escape
        return SafeText.excerpt(sb.toString().stripTrailing(), 1000);
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
            // leading zeros off, the last digit kept (no regular expression: TeaVM's got "^0+(?=.)" wrong)
            int i = 2;
            while (i < v.length() - 1 && v.charAt(i) == '0') {
                i++;
            }
            return "0x" + v.substring(i);
        }
        return v;
    }
}
