package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.VcpuState;
import dev.hcsim.core.scenario.Scenario;
import dev.hcsim.core.scenario.ScenarioReader;
import dev.hcsim.core.scenario.ScenarioRunner;
import dev.hcsim.core.trace.SchedEvent;
import dev.hcsim.views.TimelineModel;
import dev.hcsim.views.TimelineSvg;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;

class TimelinePictureTest {
    static ScenarioRunner.Result run(String file) {
        return ScenarioRunner.run(ScenarioReader.read(Path.of("../examples", file)));
    }

    static Stream<String> bundled() throws Exception {
        try (Stream<Path> s = Files.list(Path.of("../examples"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList().stream();
        }
    }

    static Document xml(String text) throws Exception {
        var f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    static VcpuState stateAt(TimelineModel.Lane lane, long t) {
        for (TimelineModel.Span s : lane.spans()) {
            if (s.from() <= t && t < s.to()) {
                return s.state();
            }
        }
        return null;
    }

    @Test
    @DisplayName("KVM_HC_SEND_IPI (lapic.c kvm_pv_send_ipi): three IPI arrows from vcpu0, each target leaves halt at that instant")
    void sendIpiArrows() {
        TimelineModel.Panel p = TimelineModel.of(List.of(run("x86-send-ipi.json"))).panels().get(0);
        assertEquals(4, p.lanes().size());
        List<TimelineModel.Arrow> ipis = p.arrows().stream().filter(a -> a.label().equals("IPI 0xec")).toList();
        assertEquals(List.of(1, 2, 3), ipis.stream().map(TimelineModel.Arrow::to).toList());
        long t = ipis.get(0).time();
        for (TimelineModel.Arrow a : ipis) {
            assertEquals(0, a.from());
            assertEquals("KVM_HC_SEND_IPI", a.via(), "the arrow names the call that sent it");
            TimelineModel.Lane target = p.lanes().get(a.to());
            assertEquals(VcpuState.HALTED, stateAt(target, t - 1), "halted before the IPI");
            // runnable, or already running when an idle physical CPU takes it in the IPI's own tick (the seed's order)
            VcpuState after = stateAt(target, t);
            assertTrue(after == VcpuState.RUNNABLE || after == VcpuState.RUNNING, "out of halt from the IPI on: " + after);
        }
        TimelineModel.Marker trap = p.lanes().get(0).markers().stream().filter(TimelineModel.Marker::trap).findFirst().orElseThrow();
        assertEquals("KVM_HC_SEND_IPI \u2192 0", trap.label());
        assertEquals(t, trap.time());
        assertFalse(trap.error());
    }

    @Test
    @DisplayName("a directed yield (kvm_sched_yield) leaves the physical CPU: the yielder is runnable from its yield until it runs again")
    void yieldGivesUpThePcpu() {
        TimelineModel.Panel p = TimelineModel.of(List.of(run("x86-pv-spinlock-kick.json"))).panels().get(0);
        TimelineModel.Arrow yield = p.arrows().stream().filter(a -> a.label().equals("yield")).findFirst().orElseThrow();
        assertEquals(0, yield.from());
        assertEquals(1, yield.to());
        assertTrue(p.arrows().stream().anyMatch(a -> a.label().equals("kick") && a.to() == 1 && "KVM_HC_KICK_CPU".equals(a.via())));
        TimelineModel.Lane v0 = p.lanes().get(0);
        assertEquals(VcpuState.RUNNING, stateAt(v0, yield.time() - 1));
        assertEquals(VcpuState.RUNNABLE, stateAt(v0, yield.time()));
    }

    @Test
    @DisplayName("PSCI CPU_ON (psci.c kvm_psci_vcpu_on): a start arrow takes the secondary out of off")
    void cpuOnStarts() {
        TimelineModel.Panel p = TimelineModel.of(List.of(run("arm64-psci-cpu-on.json"))).panels().get(0);
        List<TimelineModel.Arrow> starts = p.arrows().stream().filter(a -> a.label().equals("start")).toList();
        assertEquals(List.of(1, 2, 3), starts.stream().map(TimelineModel.Arrow::to).toList());
        for (TimelineModel.Arrow a : starts) {
            TimelineModel.Lane l = p.lanes().get(a.to());
            assertEquals(VcpuState.OFF, stateAt(l, a.time() - 1));
            VcpuState now = stateAt(l, a.time());
            assertTrue(now == VcpuState.RUNNABLE || now == VcpuState.RUNNING, "started: " + now);
            assertTrue(a.via() != null && a.via().contains("CPU_ON"), a.via());
        }
    }

    @Test
    @DisplayName("a vCPU that yields and is picked again on another physical CPU was runnable in between, and each running span names its pCPU")
    void yieldThenRunElsewhere() {
        Scenario s = ScenarioReader.parse("{\"vm\": {\"name\": \"m\", \"arch\": \"x86\", \"vcpus\": 2, \"pcpus\": 2}}", "synthetic.json");
        List<dev.hcsim.core.trace.TraceEvent> events = List.of(
                new SchedEvent(0, "m", 0, "run", 1, null, null),
                new SchedEvent(0, "m", 1, "run", 0, null, null),
                new SchedEvent(10, "m", 0, "yield", 1, null, null),
                new SchedEvent(10, "m", 1, "preempt", 0, null, "quantum of 10 used"),
                new SchedEvent(11, "m", 0, "run", 0, null, "waited 1 ns"),
                new SchedEvent(11, "m", 1, "run", 1, null, "waited 1 ns"),
                new SchedEvent(20, "m", -1, "end", null, null, "idle"));
        TimelineModel.Panel p = TimelineModel.panel(s, s.vms().get(0), events);
        assertEquals(List.of(new TimelineModel.Span(0, 10, VcpuState.RUNNING, false, 1), new TimelineModel.Span(10, 11, VcpuState.RUNNABLE, false, -1),
                new TimelineModel.Span(11, 20, VcpuState.RUNNING, false, 0)), p.lanes().get(0).spans());
        assertEquals(List.of(new TimelineModel.Span(0, 10, VcpuState.RUNNING, false, 0), new TimelineModel.Span(10, 11, VcpuState.RUNNABLE, true, -1),
                new TimelineModel.Span(11, 20, VcpuState.RUNNING, false, 1)), p.lanes().get(1).spans());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bundled")
    @DisplayName("every bundled scenario: each lane's spans tile [0, end], arrows join two lanes, and no instant has more running vCPUs than physical CPUs")
    void lanesAreConsistent(String file) {
        ScenarioRunner.Result r = run(file);
        List<TimelineModel.Panel> panels = TimelineModel.of(List.of(r)).panels();
        assertEquals(r.scenario().vms().size(), panels.size());
        for (int i = 0; i < panels.size(); i++) {
            TimelineModel.Panel p = panels.get(i);
            Scenario.VmSpec vm = r.scenario().vms().get(i);
            assertEquals(vm.vcpus(), p.lanes().size());
            for (TimelineModel.Lane l : p.lanes()) {
                long at = 0;
                for (TimelineModel.Span s : l.spans()) {
                    assertEquals(at, s.from(), file + " vcpu" + l.vcpu() + ": spans are contiguous");
                    assertTrue(s.to() > s.from());
                    at = s.to();
                }
                assertEquals(p.end(), at, file + " vcpu" + l.vcpu() + ": the lane reaches the end of the run");
            }
            for (TimelineModel.Arrow a : p.arrows()) {
                assertTrue(a.from() != a.to(), file + ": an arrow joins two lanes: " + a);
            }
            // the number running changes only where a span starts: check there (virtual time may be long)
            java.util.TreeSet<Long> starts = new java.util.TreeSet<>();
            p.lanes().forEach(l -> l.spans().forEach(sp -> starts.add(sp.from())));
            for (long t : starts) {
                long running = 0;
                for (TimelineModel.Lane l : p.lanes()) {
                    if (stateAt(l, t) == VcpuState.RUNNING) {
                        running++;
                    }
                }
                assertTrue(running <= vm.pcpus(), file + " at " + t + " ns: " + running + " running on " + vm.pcpus() + " physical CPUs");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bundled")
    @DisplayName("every bundled scenario draws as well-formed SVG with one lane label per vCPU; the same run gives the same bytes")
    void svgIsWellFormed(String file) throws Exception {
        ScenarioRunner.Result r = run(file);
        String svg = TimelineSvg.render(TimelineModel.of(List.of(r)), "");
        Document d = xml(svg);
        assertEquals("svg", d.getDocumentElement().getLocalName());
        int lanes = r.scenario().vms().stream().mapToInt(Scenario.VmSpec::vcpus).sum();
        int labels = 0;
        var texts = d.getElementsByTagNameNS("http://www.w3.org/2000/svg", "text");
        for (int i = 0; i < texts.getLength(); i++) {
            if (texts.item(i).getTextContent().matches("vcpu\\d+")) {
                labels++;
            }
        }
        assertEquals(lanes, labels);
        assertEquals(svg, TimelineSvg.render(TimelineModel.of(List.of(run(file))), ""), "deterministic");
    }

    @Test
    @DisplayName("the square-root time axis keeps order: a later event is never drawn left of an earlier one")
    void axisIsMonotonic() throws Exception {
        for (String file : bundled().toList()) {
            for (TimelineModel.Panel p : TimelineModel.of(List.of(run(file))).panels()) {
                TimelineSvg.Scale s = TimelineSvg.Scale.of(p);
                double last = -1;
                for (long t = 0; t <= p.end(); t += Math.max(1, p.end() / 500)) {
                    double x = s.x(t);
                    assertTrue(x >= last, file + ": x(" + t + ") = " + x + " < " + last);
                    assertTrue(x >= 0 && x <= TimelineSvg.WIDTH);
                    last = x;
                }
            }
        }
    }

    @Test
    @DisplayName("ticks are 1, 2 or 5 times a power of ten and at least the asked step")
    void niceSteps() {
        assertEquals(1, TimelineSvg.niceStep(0.3));
        assertEquals(2, TimelineSvg.niceStep(1.5));
        assertEquals(50, TimelineSvg.niceStep(21));
        assertEquals(100, TimelineSvg.niceStep(51));
        assertEquals("1.5 \u00b5s", TimelineSvg.time(1500, 20_000));
        assertEquals("40 ns", TimelineSvg.time(40, 600));
        assertEquals("2.5 ms", TimelineSvg.time(2_500_000, 50_000_000));
    }

    @Test
    @DisplayName("text from scenario files is escaped: a hostile title cannot break the SVG or the page")
    void hostileTextIsEscaped() throws Exception {
        String text = Files.readString(Path.of("../examples/x86-send-ipi.json"))
                .replace("\"name\": \"x86-send-ipi\"", "\"name\": \"a<b>&'\\\"c\\u0001\"")
                .replace("\"title\": \"KVM_HC_SEND_IPI: one hypercall interrupts three halted vCPUs\"",
                        "\"title\": \"</title><script>alert(1)</script>\"");
        ScenarioRunner.Result r = ScenarioRunner.run(ScenarioReader.parse(text, "hostile.json"));
        String svg = TimelineSvg.render(TimelineModel.of(List.of(r)), "");
        assertNotNull(xml(svg));
        assertTrue(svg.contains("a&lt;b&gt;&amp;&#39;&quot;c"), "the name appears escaped");
        String html = TimelineHtml.render(List.of(r));
        assertFalse(html.contains("<script>"), "no markup from the file reaches the page");
        assertTrue(html.contains("&lt;/title&gt;&lt;script&gt;"));
    }

    @Test
    @DisplayName("the HTML page holds the picture, the expectations and one table row per event, and needs no other file")
    void htmlPage() {
        ScenarioRunner.Result r = run("x86-send-ipi.json");
        String html = TimelineHtml.render(List.of(r));
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertEquals(1, html.split("<svg ", -1).length - 1);
        assertEquals(r.trace().events().size(), html.split("<tr", -1).length - 2, "one row per event plus the header row");
        assertTrue(html.contains("\u2713 ipi/vcpu0 r8 == 0x0000000000000003"));
        assertFalse(html.contains("src=") || html.contains("href="), "self-contained");
        assertTrue(html.contains("<td class=\"what\">vmcall @0x0000000000001030  KVM_HC_SEND_IPI("), "the table's text is the timeline's");
    }

    @Test
    @DisplayName("hcsim run FILE --svg OUT --html OUT writes both files and still prints the timeline and exit code")
    void runWritesPictures(@TempDir Path dir) throws Exception {
        Path svg = dir.resolve("t.svg");
        Path html = dir.resolve("t.html");
        CliTest.Run r = CliTest.hcsim("run", "../examples/x86-send-ipi.json", "../examples/x86-pv-spinlock-kick.json", "--svg", svg.toString(),
                "--html", html.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("KVM_HC_SEND_IPI"));
        Document d = xml(Files.readString(svg));
        assertEquals("svg", d.getDocumentElement().getLocalName());
        assertTrue(Files.readString(svg).contains("x86-pv-spinlock-kick"), "one picture for every scenario run");
        assertEquals(2, Files.readString(html).split("<svg ", -1).length - 1, "one picture per scenario on the page");
        assertFalse(r.out().contains("\u001b") || r.err().contains("\u001b"), "no progress bar when stdout is not a terminal");
    }

    @Test
    @DisplayName("hcsim demo --html draws every bundled scenario on one page")
    void demoPage(@TempDir Path dir) throws Exception {
        Path html = dir.resolve("demo.html");
        CliTest.Run r = CliTest.hcsim("demo", "--dir", "../examples", "--quiet", "--html", html.toString());
        assertTrue(r.code() <= 1, r.err());
        String page = Files.readString(html);
        long files = bundled().count();
        assertEquals(files, page.split("<section id=", -1).length - 1, "one section per scenario");
        assertEquals(files, page.split("<li><a href=\"#s", -1).length - 1, "a contents list links every section");
        assertEquals(files, page.split("<svg ", -1).length - 1, "one picture per scenario");
        assertFalse(r.out().contains("--html hcsim-out/demo.html"), "no hint when a picture was asked for");
        CliTest.Run plain = CliTest.hcsim("demo", "--dir", "../examples", "--quiet");
        assertTrue(plain.code() != 0 || plain.out().contains("demo: to see them as pictures, run: mkdir -p hcsim-out && hcsim demo --html hcsim-out/demo.html"), plain.out());
    }

    @Test
    @DisplayName("a failed expectation is marked on the page with its actual value and JSON path, and the run still exits 1")
    void failedExpectationOnThePage(@TempDir Path dir) throws Exception {
        Path failing = dir.resolve("failing.json");
        Files.writeString(failing, Files.readString(Path.of("../examples/x86-send-ipi.json")).replace("\"equals\": 3", "\"equals\": 4"));
        Path html = dir.resolve("f.html");
        CliTest.Run r = CliTest.hcsim("run", failing.toString(), "--quiet", "--html", html.toString());
        assertEquals(1, r.code());
        assertTrue(Files.readString(html).contains("<li class=\"fail\">\u2717 ipi/vcpu0 r8 == 0x0000000000000004 (actual: 0x0000000000000003, at $.expect[0])"),
                Files.readString(html));
    }

    @Test
    @DisplayName("an output path that cannot be written (no such directory, a directory) is bad input: exit 2, one line, nothing left behind")
    void unwritablePicture(@TempDir Path dir) throws Exception {
        CliTest.Run r = CliTest.hcsim("run", "../examples/x86-send-ipi.json", "--quiet", "--svg", dir.resolve("no/such/dir/t.svg").toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("hcsim: cannot write "), r.err());
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(0, s.count());
        }
        Path empty = Files.createDirectory(dir.resolve("empty"));
        CliTest.Run d = CliTest.hcsim("run", "../examples/x86-send-ipi.json", "--quiet", "--html", empty.toString());
        assertEquals(2, d.code());
        assertEquals("hcsim: cannot write " + empty + ": it is a directory", d.err().strip());
        assertTrue(Files.isDirectory(empty), "a directory is never replaced by an output file");
    }
}
