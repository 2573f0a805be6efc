package dev.hcsim.web;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Opt-in measurement, not a test of speed (times are never asserted): the page's budgets in headless Chromium, printed
 * for {@code scripts/explorer-budgets.sh}, which writes them into docs/performance.md. Run with
 * {@code mvn -B -pl web -am test -Dtest=ExplorerBudgets -Dhcsim.budgets=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "hcsim.budgets", matches = "true")
class ExplorerBudgets {
    static long gzip(Path p) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(Files.readAllBytes(p));
        }
        return out.size();
    }

    @Test
    void measure() throws Exception {
        try (Browser b = Browser.open(1280)) {
            Path dir = b.page.getParent();
            long code = gzip(dir.resolve("hcsim.js"));
            long all = 0;
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    all += gzip(p);
                }
            }
            // page ready: from navigation start to the page script's data-ready (hcsim's Java loaded and the first views drawn)
            double ready = 1e9;
            for (int i = 0; i < 5; i++) {
                b.driver.get("about:blank");
                b.load(b.page.toUri().toString());
                ready = Math.min(ready, ((Number) b.js("return window.hcsimReadyAt || performance.now();")).doubleValue());
            }
            double call = ((Number) b.js("var t0 = performance.now(), n = 200; for (var i = 0; i < n; i++) {"
                    + " window.hcsim.call(JSON.stringify({arch: 'x86', registers: {rax: '0x5', rbx: '0x0', rcx: '0x1'}})); }"
                    + " return (performance.now() - t0) / n;")).doubleValue();
            @SuppressWarnings("unchecked")
            List<Object> per = (List<Object>) b.js("var out = []; window.HCSIM_EXAMPLES.forEach(function (text) {"
                    + " var req = JSON.stringify({text: text, file: 'x.json'}); window.hcsim.scenario(req);"
                    + " var best = 1e9; for (var i = 0; i < 3; i++) { var t0 = performance.now(); window.hcsim.scenario(req);"
                    + " best = Math.min(best, performance.now() - t0); } out.push(JSON.parse(text).name + ' ' + best.toFixed(1)); });"
                    + " return out;");
            double worst = 0;
            StringBuilder rows = new StringBuilder();
            for (Object o : per) {
                String[] p = o.toString().split(" ");
                worst = Math.max(worst, Double.parseDouble(p[1]));
                rows.append("  ").append(o).append(" ms\n");
            }
            String report = String.format(Locale.ROOT, "bundle: hcsim.js %d bytes gzip; all files %d bytes gzip%npage ready: %.0f ms%n"
                    + "one call (x86 KVM_HC_KICK_CPU, mean of 200): %.2f ms%nslowest bundled scenario: %.1f ms%n%s",
                    code, all, ready, call, worst, rows);
            Files.writeString(Path.of("target/explorer-budgets.txt"), report);
            assertTrue(code > 0);
        }
    }
}
