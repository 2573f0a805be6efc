package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.views.TimelineSvg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The SVG timeline stays readable: no label on top of another, no state too thin to see or hover. */
class TimelineSvgLayoutTest {
    static Stream<Path> scenarios() throws Exception {
        return Files.list(Path.of("../examples")).filter(p -> p.toString().endsWith(".json")).sorted();
    }

    static String svg(Path scenario, Path dir) throws Exception {
        Path out = dir.resolve("t.svg");
        CliTest.Run r = CliTest.hcsim("run", scenario.toString(), "--quiet", "--svg", out.toString());
        assertTrue(r.code() <= 1, r.err());
        return Files.readString(out);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    @DisplayName("no trap label or arrow label overlaps another (the 'start' arrow label used to sit on a CPU_OFF label)")
    void labelsApart(Path scenario, @TempDir Path dir) throws Exception {
        String svg = svg(scenario, dir);
        List<double[]> boxes = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("<g class=\"(trap-label|arrow)\">.*?<text x=\"([0-9.-]+)\" y=\"([0-9.-]+)\"([^>]*)>([^<]*)</text>").matcher(svg);
        while (m.find()) {
            boolean small = m.group(4).contains("font-size=\"10\"");
            double w = m.group(5).length() * (small ? TimelineSvg.SMALL_CHAR_WIDTH : 6.4);
            double x = Double.parseDouble(m.group(2));
            double y = Double.parseDouble(m.group(3));
            boolean end = m.group(4).contains("text-anchor=\"end\"");
            boxes.add(new double[] {end ? x - w : x, y - (small ? 9 : 10), end ? x : x + w, y + (small ? 2 : 3)});
            names.add(m.group(5));
        }
        List<String> overlaps = new ArrayList<>();
        for (int i = 0; i < boxes.size(); i++) {
            for (int j = i + 1; j < boxes.size(); j++) {
                double[] a = boxes.get(i);
                double[] b = boxes.get(j);
                if (a[0] < b[2] - 1 && b[0] < a[2] - 1 && a[1] < b[3] - 1 && b[1] < a[3] - 1) {
                    overlaps.add(names.get(i) + " / " + names.get(j));
                }
            }
        }
        // Trap labels of one lane share MAX_LABEL_ROWS rows; only a lane with more overlapping labels than rows may overlap.
        assertTrue(overlaps.stream().noneMatch(o -> o.startsWith("start") || o.endsWith("/ start") || o.contains("IPI") || o.contains("kick")),
                scenario + ": arrow labels on other labels: " + overlaps);
        assertTrue(overlaps.size() <= 2, scenario + ": " + overlaps);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    @DisplayName("every state span is at least MIN_SPAN_WIDTH px wide, so a 1-ns state can be seen and hovered")
    void noSlivers(Path scenario, @TempDir Path dir) throws Exception {
        Matcher m = Pattern.compile("<rect x=\"[0-9.-]+\" y=\"[0-9.-]+\" width=\"([0-9.]+)\" height=\"\\d+\" fill=\"[^\"]+\"><title>vcpu").matcher(svg(scenario, dir));
        int spans = 0;
        while (m.find()) {
            spans++;
            assertTrue(Double.parseDouble(m.group(1)) >= TimelineSvg.MIN_SPAN_WIDTH, scenario + ": a span " + m.group(1) + " px wide");
        }
        assertTrue(spans > 0);
    }
}
