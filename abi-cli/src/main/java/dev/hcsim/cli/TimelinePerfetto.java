package dev.hcsim.cli;

import dev.hcsim.views.TimelineModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The timeline as Chrome/Perfetto trace-event JSON ({@code --perfetto OUT.json}), for zoom, pan and search in a viewer
 * people already use (ui.perfetto.dev, chrome://tracing). The format is the Trace Event Format's JSON object form:
 * each VM (panel) is a process, each vCPU a thread; a vCPU's states are complete events ({@code "ph":"X"}), traps
 * and scheduler notes instant events ({@code "ph":"i"}), and kicks, IPIs, starts and yields flow arrows
 * ({@code "ph":"s"}/{@code "f"}). Times are microseconds with nanosecond precision (virtual time).
 */
final class TimelinePerfetto {
    private TimelinePerfetto() {
    }

    static String render(TimelineModel model) {
        List<Map<String, Object>> events = new ArrayList<>();
        int pid = 0;
        int flow = 0;
        for (TimelineModel.Panel p : model.panels()) {
            pid++;
            events.add(meta(pid, 0, "process_name", p.heading()));
            for (TimelineModel.Lane lane : p.lanes()) {
                int tid = lane.vcpu() + 1; // tid 0 is reserved in some viewers
                events.add(meta(pid, tid, "thread_name", "vcpu" + lane.vcpu()));
                for (TimelineModel.Span s : lane.spans()) {
                    if (s.to() <= s.from()) {
                        continue;
                    }
                    Map<String, Object> e = event(s.preempted() ? "runnable (preempted)" : s.state().name().toLowerCase(Locale.ROOT), "X", pid, tid, s.from());
                    e.put("dur", us(s.to() - s.from()));
                    e.put("cat", "state");
                    if (s.pcpu() >= 0) {
                        e.put("args", Map.of("pcpu", s.pcpu()));
                    }
                    events.add(e);
                }
                for (TimelineModel.Marker m : lane.markers()) {
                    Map<String, Object> e = event(m.label(), "i", pid, tid, m.time());
                    e.put("s", "t");
                    e.put("cat", m.trap() ? (m.error() ? "trap,error" : "trap") : "sched");
                    e.put("args", Map.of("line", m.title().strip()));
                    events.add(e);
                }
            }
            for (TimelineModel.Arrow a : p.arrows()) {
                flow++;
                Map<String, Object> start = event(a.label(), "s", pid, a.from() + 1, a.time());
                start.put("id", flow);
                start.put("cat", "effect");
                Map<String, Object> end = event(a.label(), "f", pid, a.to() + 1, a.time());
                end.put("id", flow);
                end.put("cat", "effect");
                end.put("bp", "e"); // bind to the enclosing slice of the target at that time
                events.add(start);
                events.add(end);
            }
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("displayTimeUnit", "ns");
        root.put("traceEvents", events);
        return Json.pretty(root) + "\n";
    }

    private static Map<String, Object> meta(int pid, int tid, String name, String value) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", name);
        e.put("ph", "M");
        e.put("pid", pid);
        e.put("tid", tid);
        e.put("args", Map.of("name", value));
        return e;
    }

    private static Map<String, Object> event(String name, String ph, int pid, int tid, long timeNs) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", name);
        e.put("ph", ph);
        e.put("pid", pid);
        e.put("tid", tid);
        e.put("ts", us(timeNs));
        return e;
    }

    /** Nanoseconds as the format's microseconds, exactly (a decimal with three places). */
    private static java.math.BigDecimal us(long ns) {
        return java.math.BigDecimal.valueOf(ns, 3);
    }
}
