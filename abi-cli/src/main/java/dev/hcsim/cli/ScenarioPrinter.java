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
            if (showEvents) {
                for (TraceEvent e : r.trace().events()) {
                    out.println(JsonLines.line(e));
                }
            }
            return;
        }
        out.println("== " + s.name() + (s.title().isEmpty() ? "" : ": " + s.title()) + "  (" + s.file() + ")");
        if (!s.description().isEmpty()) {
            out.println("   " + s.description());
        }
        if (showEvents) {
            out.print(Timeline.render(r.trace().events()));
        }
        r.runs().forEach((vm, run) -> out.println("   " + vm + ": ended " + run.reason().name().toLowerCase(Locale.ROOT) + " after " + run.instructions()
                + " guest instructions, " + run.timeNanos() + " ns virtual time"));
        for (ScenarioRunner.Check c : r.checks()) {
            out.println((c.passed() ? "   ok    " : "   FAIL  ") + c.description() + (c.passed() ? "" : "  (actual: " + c.actual() + ", at "
                    + c.path() + ")"));
        }
        out.println();
    }
}
