package dev.hcsim.cli;

import static dev.hcsim.views.TimelineSvg.esc;

import dev.hcsim.core.scenario.Scenario;
import dev.hcsim.core.scenario.ScenarioRunner;
import dev.hcsim.core.trace.SchedEvent;
import dev.hcsim.core.trace.Timeline;
import dev.hcsim.core.trace.TraceEvent;
import dev.hcsim.core.trace.TrapEvent;
import dev.hcsim.views.TimelineModel;
import dev.hcsim.views.TimelineSvg;
import java.util.List;
import java.util.Locale;

/**
 * One self-contained HTML page for a run: per scenario its description, the timeline picture
 * ({@link TimelineSvg}, inline), its expectations, and the table of every event. No scripts, no
 * external files: the page can be mailed, archived or opened from a CI artifact as it is.
 */
final class TimelineHtml {
    private static final String STYLE = """
            body { font-family: 'DejaVu Sans', Verdana, Arial, sans-serif; margin: 24px; color: #263238; }
            h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 32px; }
            p.what { max-width: 70em; }
            figure { margin: 12px 0; overflow-x: auto; }
            ul.checks { list-style: none; padding-left: 0; } .ok { color: #1b5e20; } .fail { color: #b71c1c; font-weight: bold; }
            table { border-collapse: collapse; font-size: 12px; }
            th, td { text-align: left; padding: 2px 8px; border-bottom: 1px solid #eceff1; vertical-align: top; }
            td.t { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            td.what { font-family: 'DejaVu Sans Mono', monospace; }
            tr.trap td { background: #f1f8e9; }
            details { margin: 8px 0 24px; }
            """;

    private TimelineHtml() {
    }

    /** The page for {@code results}, in order, each picture from the events its trace kept. */
    static String render(List<ScenarioRunner.Result> results) {
        return render(results, results.stream().map(r -> TimelineModel.of(List.of(r))).toList());
    }

    /** The page for {@code results}, with one picture model per result (recorded while it ran). */
    static String render(List<ScenarioRunner.Result> results, List<TimelineModel> models) {
        StringBuilder sb = new StringBuilder();
        String names = String.join(", ", results.stream().map(r -> r.scenario().name()).toList());
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>hcsim timeline: ").append(esc(names))
                .append("</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n<h1>hcsim timeline</h1>\n");
        sb.append("<p class=\"what\">Each vCPU is a lane over virtual time; its colour is its state. Every trap is a marker with its call "
                + "and the status it returned; arrows show what one vCPU did to another. Hover over any shape for the full event.</p>\n");
        if (results.size() > 1) {
            sb.append("<nav>\n<ol>\n");
            for (int i = 0; i < results.size(); i++) {
                ScenarioRunner.Result r = results.get(i);
                sb.append("<li><a href=\"#s").append(i).append("\">").append(esc(r.scenario().name())).append("</a>")
                        .append(r.scenario().title().isEmpty() ? "" : ": " + esc(r.scenario().title()))
                        .append(r.passed() ? "" : " <span class=\"fail\">(failed)</span>").append("</li>\n");
            }
            sb.append("</ol>\n</nav>\n");
        }
        for (int i = 0; i < results.size(); i++) {
            section(sb, results.get(i), models.get(i), "s" + i);
        }
        sb.append("</body>\n</html>\n");
        return sb.toString();
    }

    private static void section(StringBuilder sb, ScenarioRunner.Result r, TimelineModel model, String id) {
        Scenario s = r.scenario();
        sb.append("<section id=\"").append(id).append("\">\n<h2>").append(esc(s.name())).append(s.title().isEmpty() ? "" : ": " + esc(s.title())).append("</h2>\n");
        if (!s.description().isEmpty()) {
            sb.append("<p class=\"what\">").append(esc(s.description())).append("</p>\n");
        }
        sb.append("<figure>\n").append(TimelineSvg.render(model, id + "-")).append("</figure>\n");
        if (!r.checks().isEmpty()) {
            sb.append("<ul class=\"checks\">\n");
            for (ScenarioRunner.Check c : r.checks()) {
                sb.append("<li class=\"").append(c.passed() ? "ok\">\u2713 " : "fail\">\u2717 ").append(esc(c.description()));
                if (!c.passed()) {
                    sb.append(" (actual: ").append(esc(c.actual())).append(", at ").append(esc(c.path())).append(')');
                }
                sb.append("</li>\n");
            }
            sb.append("</ul>\n");
        }
        long omitted = r.trace().omitted();
        sb.append("<details open>\n<summary>").append(omitted == 0 ? r.trace().events().size() + " events"
                : "the first " + r.trace().events().size() + " of " + r.trace().total() + " events (the whole trace: hcsim run --trace FILE)")
                .append("</summary>\n<table>\n")
                .append("<thead><tr><th>time (ns)</th><th>VM</th><th>vCPU</th><th>event</th><th>what</th></tr></thead>\n<tbody>\n");
        for (TraceEvent e : r.trace().events()) {
            String kind = e instanceof TrapEvent ? "trap" : ((SchedEvent) e).event();
            sb.append("<tr").append(e instanceof TrapEvent ? " class=\"trap\"" : "").append("><td class=\"t\">").append(e.time()).append("</td><td>")
                    .append(esc(e.vm())).append("</td><td>").append(e.vcpu() < 0 ? "" : e.vcpu()).append("</td><td>").append(esc(kind))
                    .append("</td><td class=\"what\">").append(esc(what(e))).append("</td></tr>\n");
        }
        sb.append("</tbody>\n</table>\n</details>\n</section>\n");
    }

    /** The text timeline's line for {@code e} without its time and vCPU columns (the table has those). */
    static String what(TraceEvent e) {
        String line = Timeline.line(e);
        String prefix = String.format(Locale.ROOT, "%8d ns  %-12s ", e.time(), e.vm() + (e.vcpu() < 0 ? "" : "/vcpu" + e.vcpu()));
        String rest = line.startsWith(prefix) ? line.substring(prefix.length()) : line;
        return rest.startsWith("trap  ") ? rest.substring("trap  ".length()) : rest.strip();
    }
}
