package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opt-in: renders the demo page in headless Chromium (Debian's {@code chromium}) and checks the
 * screenshot shows the lanes, so the picture is known to display in a real browser, not only to parse.
 * Run with {@code mvn -B -pl abi-cli test -Dtest=ChromiumScreenshotTest -Dhcsim.chromium=true}; the
 * browser binary is {@code $HCSIM_CHROMIUM} or {@code chromium}. With {@code -Dhcsim.screenshot.out=PATH}
 * the screenshot is also kept there (how {@code docs/demo-timeline.png} is made).
 */
@EnabledIfSystemProperty(named = "hcsim.chromium", matches = "true")
class ChromiumScreenshotTest {
    static final List<String> DEMO = List.of("x86-send-ipi.json", "x86-pv-spinlock-kick.json", "arm64-psci-cpu-on.json");

    /** Pixels of exactly {@code rgb} (the inside of a filled shape is not antialiased). */
    static int count(BufferedImage img, int rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                if ((img.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    @DisplayName("headless Chromium draws the demo page: running, halted and off lanes, IPI arrows, at the page's width")
    void screenshot(@TempDir Path dir) throws Exception {
        Path page = dir.resolve("demo.html");
        Path svg = dir.resolve("demo.svg");
        List<String> args = new java.util.ArrayList<>(List.of("run", "--quiet", "--html", page.toString(), "--svg", svg.toString()));
        DEMO.forEach(f -> args.add("../examples/" + f));
        CliTest.Run run = CliTest.hcsim(args.toArray(String[]::new));
        assertTrue(run.code() <= 1 && Files.exists(page), "the page is written whether or not every expectation holds: " + run.err());

        Path png = dir.resolve("demo.png");
        String browser = System.getenv().getOrDefault("HCSIM_CHROMIUM", "chromium");
        Process p = new ProcessBuilder(browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,1800",
                "--screenshot=" + png, page.toUri().toString()).redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium finished");
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("chromium.log")));

        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1280, img.getWidth());
        assertTrue(count(img, 0x2e7d32) > 2000, "running lanes are drawn");
        assertTrue(count(img, 0x90a4ae) > 2000, "halted lanes are drawn");
        assertTrue(count(img, 0xeceff1) > 2000, "off lanes are drawn (PSCI secondaries before CPU_ON)");
        assertTrue(count(img, 0x1565c0) > 50, "arrows are drawn");

        String out = System.getProperty("hcsim.screenshot.out");
        if (out != null && !out.isBlank()) {
            // the docs keep the picture itself (the SVG at its natural size), not the page around it
            Path docPng = Path.of(out);
            Process q = new ProcessBuilder(browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1200,"
                    + svgHeight(Files.readString(svg)), "--screenshot=" + dir.resolve("svg.png"), svg.toUri().toString()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("chromium2.log").toFile()).start();
            assertTrue(q.waitFor(120, TimeUnit.SECONDS));
            Files.copy(dir.resolve("svg.png"), docPng, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(svg, docPng.resolveSibling(docPng.getFileName().toString().replace(".png", ".svg")), StandardCopyOption.REPLACE_EXISTING);
            // which SVG the PNG shows, so that DocsFreshnessTest can tell a stale PNG without a browser
            Files.writeString(docPng.resolveSibling(docPng.getFileName() + ".source"), sha256(svg) + "\n");
        }
    }

    /** The SHA-256 of a file, in hex. */
    static String sha256(Path file) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private static int svgHeight(String svg) {
        int i = svg.indexOf("height=\"") + 8;
        return Integer.parseInt(svg.substring(i, svg.indexOf('"', i)));
    }
}
