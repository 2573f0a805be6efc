package dev.hcsim.cli;

import dev.hcsim.core.scenario.ScenarioRunner;
import dev.hcsim.views.TimelineModel;
import dev.hcsim.views.TimelineSvg;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The picture options shared by {@code run} and {@code demo} (a picocli mixin): {@code --svg FILE}
 * writes the timeline picture, {@code --html FILE} one self-contained page with the picture and the
 * event table of every scenario.
 */
final class TimelineFiles {
    @Option(names = "--svg", paramLabel = "OUT.svg", description = "draw the timeline (one lane per vCPU over virtual time) as an SVG picture")
    Path svg;

    @Option(names = "--html", paramLabel = "OUT.html", description = "write one self-contained HTML page: the pictures and every event")
    Path html;

    @Option(names = "--perfetto", paramLabel = "OUT.json", description = "write the timeline as Chrome/Perfetto trace-event JSON (ui.perfetto.dev,"
            + " chrome://tracing): one process per VM, one thread per vCPU")
    Path perfetto;

    /** True when a picture file was asked for. */
    boolean any() {
        return svg != null || html != null || perfetto != null;
    }

    /** The picture outputs by option name, for {@link OutputFile#check} (null where not asked for). */
    Map<String, Path> outputs() {
        Map<String, Path> m = new LinkedHashMap<>();
        m.put("--svg", svg);
        m.put("--html", html);
        m.put("--perfetto", perfetto);
        return m;
    }

    /** Writes the files asked for ({@code -}: {@code stdout}), the pictures from each result's kept trace. */
    void write(List<ScenarioRunner.Result> results, PrintWriter stdout) {
        write(results, results.stream().map(r -> TimelineModel.of(List.of(r))).toList(), stdout);
    }

    /** Writes the files asked for, with one picture model per result (recorded while it ran); nothing when neither was given. */
    void write(List<ScenarioRunner.Result> results, List<TimelineModel> models, PrintWriter stdout) {
        if (svg != null) {
            OutputFile.write("--svg", svg, stdout, TimelineSvg.render(new TimelineModel(models.stream().flatMap(m -> m.panels().stream()).toList()),
                    ""));
        }
        if (html != null) {
            OutputFile.write("--html", html, stdout, TimelineHtml.render(results, models));
        }
        if (perfetto != null) {
            OutputFile.write("--perfetto", perfetto, stdout, TimelinePerfetto.render(TimelineModel.of(results)));
        }
    }
}
