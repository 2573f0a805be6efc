package dev.hcsim.cli;

import dev.hcsim.core.scenario.ScenarioRunner;
import java.nio.file.Path;
import java.util.List;
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

    /** True when a picture file was asked for. */
    boolean any() {
        return svg != null || html != null;
    }

    /** Writes the files asked for; nothing when neither option was given. */
    void write(List<ScenarioRunner.Result> results) {
        if (svg != null) {
            AtomicFile.write(svg, TimelineSvg.render(TimelineModel.of(results), ""));
        }
        if (html != null) {
            AtomicFile.write(html, TimelineHtml.render(results));
        }
    }
}
