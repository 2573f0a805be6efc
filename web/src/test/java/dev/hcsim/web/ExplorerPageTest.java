package dev.hcsim.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hcsim.core.Bytes;
import dev.hcsim.core.engine.Architectures;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.scenario.JsonLines;
import dev.hcsim.core.scenario.Scenario;
import dev.hcsim.core.scenario.ScenarioReader;
import dev.hcsim.core.scenario.ScenarioRunner;
import dev.hcsim.core.sched.SingleCall;
import dev.hcsim.core.spi.Architecture;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.trace.Timeline;
import dev.hcsim.core.trace.TraceEvent;
import dev.hcsim.core.trace.TraceSink;
import dev.hcsim.views.CallExplanation;
import dev.hcsim.views.CallJson;
import dev.hcsim.views.TimelineModel;
import dev.hcsim.views.TimelineSvg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * hcsim Explorer in headless Chromium: what the page computes (hcsim's Java compiled to JavaScript by TeaVM, with the
 * browser's JSON) equals what the JVM computes byte for byte, and the page's controls work.
 */
class ExplorerPageTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Browser browser;

    @BeforeAll
    static void open() {
        browser = Browser.open(1280);
    }

    @AfterAll
    static void close() {
        if (browser != null) {
            browser.close();
        }
    }

    static List<Path> scenarios() throws Exception {
        try (Stream<Path> s = Files.list(Path.of("../examples"))) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    @Test
    @DisplayName("every bundled scenario: trace lines, text timeline, SVG picture, checks and final registers equal the JVM's byte for byte")
    void everyScenarioAsOnTheJvm() throws Exception {
        List<Path> files = scenarios();
        assertEquals(files.size(), browser.examples().size(), "the page bundles every scenario in examples/");
        for (Path f : files) {
            String text = Files.readString(f);
            Scenario s = ScenarioReader.read(f);
            Map<String, dev.hcsim.core.sched.Machine> machines = ScenarioRunner.build(s);
            ScenarioRunner.Result r = ScenarioRunner.run(s, machines, new ScenarioRunner.Budget(0, 0, ScenarioRunner.Budget.DEFAULT_INSTRUCTIONS,
                    Long.MAX_VALUE), Integer.MAX_VALUE, TraceSink.NONE);
            Map<String, Object> req = new LinkedHashMap<>();
            req.put("text", text);
            req.put("file", f.getFileName().toString());
            JsonNode page = JSON.readTree(browser.hcsim("scenario", JSON.writeValueAsString(req)));
            String name = f.getFileName().toString();
            assertFalse(page.has("error"), name + ": " + page.path("error").asText());
            List<TraceEvent> events = r.trace().events();
            assertEquals(events.size(), page.get("trace").size(), name + ": events");
            for (int i = 0; i < events.size(); i++) {
                assertEquals(JsonLines.line(events.get(i)), page.get("trace").get(i).asText(), name + ": trace line " + i);
            }
            assertEquals(Timeline.render(events), page.get("timeline").asText(), name + ": timeline");
            assertEquals(TimelineSvg.render(TimelineModel.of(List.of(r)), "t"), page.get("svg").asText(), name + ": SVG");
            assertEquals(r.checks().size(), page.get("checks").size(), name + ": checks");
            for (int i = 0; i < r.checks().size(); i++) {
                ScenarioRunner.Check c = r.checks().get(i);
                JsonNode p = page.get("checks").get(i);
                assertEquals(c.description() + " " + c.passed() + " " + c.actual(), p.get("description").asText() + " " + p.get("passed").asBoolean()
                        + " " + p.get("actual").asText(), name + ": check " + i);
            }
            JsonNode vms = page.get("state").get("vms");
            int k = 0;
            for (var e : machines.entrySet()) {
                JsonNode vm = vms.get(k++);
                for (int v = 0; v < e.getValue().vm().vcpuCount(); v++) {
                    assertEquals(Bytes.hex64(e.getValue().registers(v).pc()), vm.get("vcpus").get(v).get("registers").get("pc").asText(), name + " pc");
                    assertEquals(e.getValue().stateOf(v).name().toLowerCase(java.util.Locale.ROOT), vm.get("vcpus").get(v).get("state").asText(), name);
                }
            }
        }
    }

    @Test
    @DisplayName("calls of every architecture (each documented hypercall with arguments 1, 2, 3): call JSON and explanation equal the JVM's")
    void callsOfEveryArchitecture() throws Exception {
        int calls = 0;
        for (Architecture a : Architectures.all()) {
            List<HypercallSpec> specs = new ArrayList<>(a.hypercalls());
            for (int i = 0; i < specs.size(); i += Math.max(1, specs.size() / 6)) {
                HypercallSpec h = specs.get(i);
                Map<String, Long> regs = new LinkedHashMap<>();
                regs.put(a.registers().name(a.contract().numberRegister()), h.number());
                int[] args = a.contract().argumentRegisters();
                for (int k = 0; k < Math.min(3, args.length); k++) {
                    if (args[k] != a.contract().numberRegister()) {
                        regs.putIfAbsent(a.registers().name(args[k]), (long) k + 1);
                    }
                }
                SingleCall.Result jvm = SingleCall.run(VmConfig.builder(a.name()).vcpus(2).build(), 0, null, regs, Map.of(), Map.of());
                Map<String, Object> req = new LinkedHashMap<>();
                req.put("arch", a.name());
                req.put("vcpus", "2");
                Map<String, String> hex = new LinkedHashMap<>();
                regs.forEach((r, v) -> hex.put(r, "0x" + Long.toHexString(v)));
                req.put("registers", hex);
                JsonNode page = JSON.readTree(browser.hcsim("call", JSON.writeValueAsString(req)));
                assertFalse(page.has("error"), a.name() + " " + h.name() + ": " + page.path("error").asText());
                assertEquals(JSON.writeValueAsString(CallJson.of(jvm)), JSON.writeValueAsString(page.get("call")), a.name() + " " + h.name() + ": call JSON");
                assertEquals(CallExplanation.text(jvm), page.get("explanation").asText(), a.name() + " " + h.name() + ": explanation");
                calls++;
            }
        }
        assertTrue(calls >= 7 * 5, "at least five calls per architecture, got " + calls);
    }

    @Test
    @DisplayName("the ABI table's data equals hcsim table's (AbiData of every architecture) byte for byte")
    void abiTableAsOnTheJvm() throws Exception {
        List<Object> jvm = new ArrayList<>();
        for (Architecture a : Architectures.all()) {
            jvm.add(dev.hcsim.views.AbiData.of(a, Engine.create(a, VmConfig.builder(a.name()).build())));
        }
        assertEquals(JSON.writeValueAsString(jvm), JSON.writeValueAsString(JSON.readTree(browser.hcsim("table", ""))));
    }

    @Test
    @DisplayName("the controls: a call from the form, editing a program (bytes beside each line), an assembler error at its line and column, stepping, and the URL round trip")
    void controls() {
        var d = browser.driver;
        browser.load(browser.page.toUri().toString());
        // single call from the form: x86 KVM_HC_KICK_CPU picked from the list
        new org.openqa.selenium.support.ui.Select(d.findElement(By.id("call-arch"))).selectByValue("x86");
        new org.openqa.selenium.support.ui.Select(d.findElement(By.id("call-pick"))).selectByVisibleText("KVM_HC_KICK_CPU (0x5)");
        d.findElement(By.id("call-run")).click();
        String explanation = d.findElement(By.id("call-explanation")).getText();
        assertTrue(explanation.contains("KVM_HC_KICK_CPU"), explanation);
        assertTrue(d.findElements(By.cssSelector("#call-regtable tr.changed")).size() >= 1, "changed registers are marked");
        assertTrue(d.findElements(By.cssSelector("#call-explanation a[href*='arch/x86/kvm/']")).size() >= 1, "the kernel source is a link");

        // program: the x86 send-IPI example, then an edit
        d.findElement(By.id("tab-program")).sendKeys(Keys.ENTER);
        new org.openqa.selenium.support.ui.Select(d.findElement(By.id("prog-example"))).selectByValue("x86-send-ipi");
        assertTrue(d.findElement(By.id("prog-verdict")).getText().startsWith("PASS"), d.findElement(By.id("prog-verdict")).getText());
        String bytes = d.findElement(By.id("prog-bytes")).getText();
        assertTrue(bytes.contains("0f 01 c1"), "vmcall's bytes beside its line: " + bytes);
        WebElement src = d.findElement(By.id("prog-src"));
        String original = src.getAttribute("value");
        browser.js("var t = document.getElementById('prog-src'); t.value = 'nop\\n  frobnicate %rax\\n' + t.value; t.dispatchEvent(new Event('input'));");
        WebElement err = d.findElement(By.id("prog-error"));
        assertEquals("2", err.getAttribute("data-line"), err.getText());
        assertEquals("3", err.getAttribute("data-column"), err.getText());
        assertTrue(err.getText().startsWith("line 2, column 3: "), err.getText());
        assertFalse(d.findElement(By.tagName("body")).getText().isBlank(), "the page never goes blank");
        // back to a good program: nop's byte shows on line 1
        browser.js("var t = document.getElementById('prog-src'); t.value = 'nop\\n' + arguments[0]; t.dispatchEvent(new Event('input'));", original);
        assertTrue(d.findElement(By.id("prog-bytes")).getText().startsWith("90"), d.findElement(By.id("prog-bytes")).getText());
        d.findElement(By.id("prog-run")).click();
        assertTrue(d.findElement(By.id("prog-verdict")).getText().startsWith("PASS"), "still passes with a nop in front");
        // stepping
        d.findElement(By.id("prog-step")).click();
        assertTrue(d.findElement(By.id("prog-pos")).getText().startsWith("after 1 of "), d.findElement(By.id("prog-pos")).getText());
        d.findElement(By.id("prog-next")).click();
        String pos = d.findElement(By.id("prog-pos")).getText();
        int n = Integer.parseInt(pos.split(" ")[1]);
        assertTrue(n > 1, pos);
        assertEquals(n, d.findElements(By.cssSelector("#trace-table tr.done")).size(), "the trace table marks the events run");
        String lastDone = d.findElements(By.cssSelector("#trace-table tr.done")).get(n - 1).getAttribute("data-line");
        assertTrue(lastDone.startsWith("{\"type\":\"trap\""), "run to next hypercall stops after a trap: " + lastDone);
        // the URL round trip: a fresh load of the address restores the edit and the position
        String url = d.getCurrentUrl();
        d.get("about:blank");
        browser.load(url);
        assertTrue(d.findElement(By.id("prog-src")).getAttribute("value").startsWith("nop\n"), "the edited program is restored");
        assertEquals(pos, d.findElement(By.id("prog-pos")).getText(), "the step position is restored");
        d.findElement(By.id("prog-end")).click();
        assertTrue(d.findElement(By.id("prog-pos")).getText().matches("after (\\d+) of \\1 events"), d.findElement(By.id("prog-pos")).getText());
        // the ABI table, filtered
        d.findElement(By.id("tab-table")).click();
        d.findElement(By.id("table-filter")).sendKeys("FN64_CPU_ON");
        List<WebElement> rows = d.findElements(By.cssSelector("#table tbody tr"));
        assertFalse(rows.isEmpty());
        rows.forEach(r -> assertTrue(r.getText().contains("FN64_CPU_ON"), r.getText()));
    }

    @Test
    @DisplayName("360 px wide: the page fits the screen (no horizontal scroll of the page itself)")
    void narrowScreen() {
        try (Browser narrow = Browser.open(360)) {
            Number overflow = (Number) narrow.js("return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            Object wide = narrow.js("return Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > 361)"
                    + ".slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join('; ');");
            assertTrue(overflow.intValue() <= 0, "page wider than the screen by " + overflow + " px: " + wide);
        }
    }
}
