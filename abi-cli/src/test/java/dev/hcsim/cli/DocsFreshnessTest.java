package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Generated documentation must match the code: docs/abi-table.md is {@code hcsim table}, and the
 * block between {@code <!-- generated: hcsim table --arch NAME -->} and {@code <!-- end generated -->}
 * in docs/arch/NAME.md is {@code hcsim table --arch NAME}. Regenerate with {@code scripts/regen-docs.sh}.
 */
class DocsFreshnessTest {
    private static final Pattern BLOCK = Pattern.compile("<!-- generated: hcsim table --arch (\\S+) -->\\n(.*?)<!-- end generated -->", Pattern.DOTALL);

    @Test
    @DisplayName("docs/abi-table.md is what 'hcsim table' prints now")
    void abiTable() throws IOException {
        String doc = Files.readString(Path.of("../docs/abi-table.md"));
        assertEquals(CliTest.hcsim("table").out(), doc, "docs/abi-table.md is stale: run scripts/regen-docs.sh");
    }

    @Test
    @DisplayName("every generated contract table in docs/arch/*.md is what 'hcsim table --arch NAME' prints now")
    void archPages() throws IOException {
        int blocks = 0;
        try (Stream<Path> s = Files.list(Path.of("../docs/arch"))) {
            for (Path p : s.filter(f -> f.toString().endsWith(".md")).sorted().toList()) {
                Matcher m = BLOCK.matcher(Files.readString(p));
                while (m.find()) {
                    blocks++;
                    assertEquals(CliTest.hcsim("table", "--arch", m.group(1)).out(), m.group(2),
                            p + " has a stale generated table: run scripts/regen-docs.sh");
                }
            }
        }
        assertTrue(blocks >= 1, "at least docs/arch/x86.md carries a generated table");
    }

    /** Cells of a markdown table row as GitHub splits it: at every '|' not escaped with a backslash (code spans too). */
    static int cells(String row) {
        int n = 0;
        for (int i = 0; i < row.length(); i++) {
            if (row.charAt(i) == '|' && (i == 0 || row.charAt(i - 1) != '\\')) {
                n++;
            }
        }
        return n;
    }

    @Test
    @DisplayName("every markdown table under docs/ and in the README has as many cells in each row as in its header (arm64's row had an unescaped '|')")
    void tablesAreWellFormed() throws IOException {
        java.util.List<Path> pages;
        try (Stream<Path> s = Files.walk(Path.of("../docs"))) {
            pages = new java.util.ArrayList<>(s.filter(f -> f.toString().endsWith(".md")).sorted().toList());
        }
        pages.add(Path.of("../README.md"));
        java.util.List<String> bad = new java.util.ArrayList<>();
        for (Path p : pages) {
            int header = -1;
            int lineNo = 0;
            boolean fence = false;
            for (String line : Files.readAllLines(p)) {
                lineNo++;
                fence ^= line.startsWith("```");
                if (fence || !line.startsWith("|")) {
                    header = -1;
                    continue;
                }
                if (header < 0) {
                    header = cells(line);
                } else if (cells(line) != header) {
                    bad.add(p + ":" + lineNo + " has " + (cells(line) - 1) + " cells, its header " + (header - 1));
                }
            }
        }
        assertTrue(bad.isEmpty(), String.join("\n", bad));
    }

    @Test
    @DisplayName("docs/demo-timeline.svg is the picture 'hcsim run --svg' draws now of the three demo scenarios, and the PNG was rendered from it")
    void demoTimelinePicture(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path svg = dir.resolve("demo.svg");
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("run", "--quiet", "--svg", svg.toString()));
        ChromiumScreenshotTest.DEMO.forEach(f -> args.add("../examples/" + f));
        CliTest.Run r = CliTest.hcsim(args.toArray(String[]::new));
        assertTrue(r.code() <= 1, r.err());
        assertEquals(Files.readString(svg), Files.readString(Path.of("../docs/demo-timeline.svg")),
                "docs/demo-timeline.svg is stale: regenerate it and the PNG with ChromiumScreenshotTest (-Dhcsim.screenshot.out, docs/getting-started.md)");
        // The PNG needs a browser to make; the screenshot test records which SVG it rendered, so staleness shows without one.
        assertEquals(ChromiumScreenshotTest.sha256(svg), Files.readString(Path.of("../docs/demo-timeline.png.source")).strip(),
                "docs/demo-timeline.png was rendered from another SVG than today's: regenerate it with ChromiumScreenshotTest");
    }

    @Test
    @DisplayName("no doc, and no source comment, cites a DESIGN.md: it is not in the repository (docs/architecture.md is)")
    void noDesignMd() throws IOException {
        java.util.List<String> citing = new java.util.ArrayList<>();
        try (Stream<Path> s = Files.walk(Path.of(".."))) {
            for (Path p : s.filter(Files::isRegularFile).filter(f -> f.toString().matches(".*\\.(md|java)$"))
                    .filter(f -> !f.toString().contains("/target/") && !f.toString().contains("/.git/")).toList()) {
                if (!p.endsWith("DocsFreshnessTest.java") && Files.readString(p).contains("DESIGN.md")) {
                    citing.add(p.toString());
                }
            }
        }
        assertTrue(citing.isEmpty(), "cite docs/architecture.md instead: " + citing);
        assertTrue(Files.exists(Path.of("../docs/architecture.md")));
    }
}
