package dev.hcsim.cli;

import dev.hcsim.core.scenario.ScenarioRunner;
import dev.hcsim.core.scenario.JsonLines;
import dev.hcsim.core.trace.Timeline;
import dev.hcsim.core.trace.TraceEvent;
import java.io.PrintWriter;
import java.util.Locale;

/** Prints a scenario's run: its timeline (text) or trace (JSON lines), then each expectation. */
final class ScenarioPrinter {
    private ScenarioPrinter() {
    }

    static void print(ScenarioRunner.Result r, PrintWriter out, String format, boolean showEvents) {
        var s = r.scenario();
        if (format.equals("tracepoint")) {
            if (showEvents) {
                TracepointText.lines(r.trace().events()).forEach(out::println);
            }
            return;
        }
        if (format.equals("json")) {
            // the events were streamed to stdout while the scenario ran (RunCommand); a result kept in memory prints here
            if (showEvents) {
                for (TraceEvent e : r.trace().events()) {
                    out.println(JsonLines.line(e));
                }
            }
            return;
        }
        out.println("== " + Text.excerpt(s.name()) + (s.title().isEmpty() ? "" : ": " + Text.line(s.title())) + "  (" + Text.excerpt(s.file()) + ")");
        if (!s.description().isEmpty()) {
            out.println("   " + Text.line(s.description()));
        }
        if (showEvents) {
            out.print(Timeline.render(r.trace().events()));
            if (r.trace().omitted() > 0) {
                out.println("   ... " + r.trace().omitted() + " more events not shown (the first " + r.trace().events().size()
                        + " are; the whole trace: --trace FILE or --format json)");
            }
        }
        r.runs().forEach((vm, run) -> out.println("   " + Text.excerpt(vm) + ": ended " + run.reason().name().toLowerCase(Locale.ROOT) + " after " + run.instructions()
                + " guest instructions, " + run.timeNanos() + " ns virtual time"));
        for (ScenarioRunner.Check c : r.checks()) {
            out.println((c.passed() ? "   ok    " : "   FAIL  ") + Text.line(c.description()) + (c.passed() ? "" : "  (actual: "
                    + Text.line(c.actual()) + ", at " + Text.excerpt(c.path()) + ")"));
        }
        out.println();
    }
}
