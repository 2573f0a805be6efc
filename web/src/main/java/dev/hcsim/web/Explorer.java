package dev.hcsim.web;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.Program;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.RegisterLayout;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.asm.AsmException;
import dev.hcsim.core.asm.Assembler;
import dev.hcsim.core.engine.Architectures;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.scenario.JsonTree;
import dev.hcsim.core.scenario.Scenario;
import dev.hcsim.core.scenario.ScenarioReader;
import dev.hcsim.core.scenario.ScenarioRunner;
import dev.hcsim.core.scenario.TraceJson;
import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.sched.SingleCall;
import dev.hcsim.core.spi.Architecture;
import dev.hcsim.core.spi.FeatureSpec;
import dev.hcsim.core.spi.HypercallSpec;
import dev.hcsim.core.spi.OptionSpec;
import dev.hcsim.core.trace.Timeline;
import dev.hcsim.core.trace.TraceEvent;
import dev.hcsim.core.trace.TraceSink;
import dev.hcsim.views.AbiData;
import dev.hcsim.views.CallExplanation;
import dev.hcsim.views.CallJson;
import dev.hcsim.views.TimelineModel;
import dev.hcsim.views.TimelineSvg;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.teavm.jso.JSBody;
import org.teavm.jso.JSFunctor;
import org.teavm.jso.JSObject;

/**
 * hcsim Explorer's Java side, compiled to JavaScript by TeaVM: the page's script calls these functions with JSON
 * text and gets JSON text back (the browser's own JSON.stringify of the views the CLI prints). Nothing here
 * decides anything about the ABI: the calls, programs, scenarios and pictures are hcsim's own code.
 */
public final class Explorer {
    /** The scenario last run, for stepping through it. */
    private static Scenario current;

    private Explorer() {
    }

    /** A function of one string to a string, as JavaScript sees it. */
    @JSFunctor
    interface Fn extends JSObject {
        String apply(String arg);
    }

    @JSBody(params = {"name", "f"}, script = "window.hcsim = window.hcsim || {}; window.hcsim[name] = f;")
    private static native void export(String name, Fn f);

    @JSBody(script = "if (window.hcsimReady) { window.hcsimReady(); }")
    private static native void ready();

    /**
     * Installs {@code window.hcsim}: architectures, call, table, assemble, scenario, at.
     * @param args unused
     */
    public static void main(String[] args) {
        export("architectures", a -> guard(() -> architectures()));
        export("call", a -> guard(() -> call(JsoTree.parse(a))));
        export("table", a -> guard(() -> table()));
        export("assemble", a -> guard(() -> assemble(JsoTree.parse(a))));
        export("scenario", a -> guard(() -> scenario(JsoTree.parse(a))));
        export("at", a -> guard(() -> at(Integer.parseInt(a))));
        ready();
    }

    private interface Body {
        Object run();
    }

    /** Every answer is JSON; a failure is {"error": message}, so the page shows it instead of going blank. */
    private static String guard(Body b) {
        try {
            return Js.json(b.run());
        } catch (RuntimeException e) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("error", e.getMessage() == null ? e.toString() : e.getMessage());
            if (e instanceof AsmException ae) {
                o.put("line", ae.line());
            }
            return Js.json(o);
        }
    }

    // ---------------------------------------------------------------- architectures and the ABI table

    static List<Object> architectures() {
        List<Object> out = new ArrayList<>();
        for (Architecture a : Architectures.all()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", a.name());
            m.put("title", a.title());
            RegisterLayout l = a.registers();
            List<Object> regs = new ArrayList<>();
            for (int i : l.generalIndices()) {
                regs.add(l.name(i));
            }
            m.put("registers", regs);
            m.put("number", l.name(a.contract().numberRegister()));
            List<Object> args = new ArrayList<>();
            for (int r : a.contract().argumentRegisters()) {
                args.add(l.name(r));
            }
            m.put("arguments", args);
            List<Object> calls = new ArrayList<>();
            for (HypercallSpec h : a.hypercalls()) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("name", h.name());
                c.put("number", "0x" + Long.toHexString(h.number()));
                c.put("feature", h.feature());
                calls.add(c);
            }
            m.put("calls", calls);
            List<Object> feats = new ArrayList<>();
            for (FeatureSpec f : a.features()) {
                feats.add(Map.of("name", f.name(), "default", f.defaultOn(), "description", f.description()));
            }
            m.put("features", feats);
            List<Object> opts = new ArrayList<>();
            for (OptionSpec o : a.options()) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("name", o.name());
                x.put("values", new ArrayList<Object>(o.allowed()));
                x.put("default", o.defaultValue());
                x.put("description", o.description());
                opts.add(x);
            }
            m.put("options", opts);
            out.add(m);
        }
        return out;
    }

    static List<Object> table() {
        List<Object> out = new ArrayList<>();
        for (Architecture a : Architectures.all()) {
            out.add(AbiData.of(a, Engine.create(a, VmConfig.builder(a.name()).build())));
        }
        return out;
    }

    // ---------------------------------------------------------------- one call

    static Map<String, Object> call(JsonTree req) {
        Architecture a = Architectures.named(str(req, "arch", "x86"));
        VmConfig.Builder b = VmConfig.builder(a.name()).vcpus(Integer.parseInt(str(req, "vcpus", "1"))).seed(Bytes.parseNumber(str(req, "seed", "0")));
        JsonTree f = req.get("features");
        if (f != null) {
            for (String k : f.keys()) {
                b.feature(k, f.get(k).text().equals("true"));
            }
        }
        JsonTree o = req.get("options");
        if (o != null) {
            for (String k : o.keys()) {
                if (!o.get(k).text().isEmpty()) {
                    b.option(k, o.get(k).text());
                }
            }
        }
        Map<String, Long> regs = new LinkedHashMap<>();
        JsonTree r = req.get("registers");
        if (r != null) {
            for (String k : r.keys()) {
                String v = r.get(k).text().trim();
                if (!v.isEmpty()) {
                    if (a.registers().indexOf(k) < 0) {
                        throw new IllegalArgumentException("unknown " + a.name() + " register '" + k + "'");
                    }
                    regs.put(k, Bytes.parseNumber(v));
                }
            }
        }
        String insn = str(req, "insn", "").trim();
        SingleCall.Result res = SingleCall.run(b.build(), Integer.parseInt(str(req, "vcpu", "0")), insn.isEmpty() ? null : insn, regs, Map.of(), Map.of());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("call", CallJson.of(res));
        out.put("explanation", CallExplanation.text(res));
        out.put("before", registers(res.before()));
        out.put("after", registers(res.after()));
        return out;
    }

    private static Map<String, Object> registers(RegisterFile f) {
        Map<String, Object> m = new LinkedHashMap<>();
        RegisterLayout l = f.layout();
        for (int i : l.generalIndices()) {
            m.put(l.name(i), Bytes.hex64(f.get(i)));
        }
        m.put("pc", Bytes.hex64(f.pc()));
        return m;
    }

    private static String str(JsonTree t, String key, String dflt) {
        JsonTree v = t.get(key);
        return v == null || v.kind() == JsonTree.Kind.NULL ? dflt : v.text();
    }

    // ---------------------------------------------------------------- assembly

    static Map<String, Object> assemble(JsonTree req) {
        Architecture a = Architectures.named(str(req, "arch", "x86"));
        Vm vm = Engine.create(a, VmConfig.builder(a.name()).build());
        long at = req.get("at") == null ? a.defaultEntry() : Bytes.parseNumber(str(req, "at", "0"));
        Program p = Assembler.assemble(Engine.context(vm).codec(), str(req, "source", ""), at);
        List<Object> lines = new ArrayList<>();
        for (Program.Line l : p.listing()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("line", l.line());
            m.put("address", "0x" + Long.toHexString(l.address()));
            m.put("bytes", Bytes.hex(l.bytes()));
            lines.add(m);
        }
        return Map.of("lines", lines);
    }

    // ---------------------------------------------------------------- scenarios

    /** Reads a scenario with the page's edited programs: {"text": scenario JSON, "sources": {"vm/program": text}}. */
    private static Scenario read(JsonTree req) {
        String file = str(req, "file", "scenario.json");
        Scenario s = ScenarioReader.read(JsoTree.parse(str(req, "text", "{}")), file, path -> file);
        JsonTree edits = req.get("sources");
        if (edits == null || edits.size() == 0) {
            return s;
        }
        List<Scenario.VmSpec> vms = new ArrayList<>();
        for (Scenario.VmSpec v : s.vms()) {
            List<Scenario.ProgramSpec> progs = new ArrayList<>();
            for (Scenario.ProgramSpec p : v.programs()) {
                JsonTree e = edits.get(v.name() + "/" + p.name());
                progs.add(e == null ? p : new Scenario.ProgramSpec(p.name(), p.at(), e.text(), p.path()));
            }
            vms.add(new Scenario.VmSpec(v.name(), v.arch(), v.vcpus(), v.pcpus(), v.quantum(), v.interleave(), v.seed(), v.memory(), v.features(),
                    v.options(), v.vcpuIds(), v.maxSteps(), v.maxTimeNanos(), progs, v.data(), v.cpus(), v.hostReturns()));
        }
        return new Scenario(s.file(), s.name(), s.title(), s.description(), vms, s.expectations(), s.where());
    }

    @JSBody(script = "return performance.now();")
    private static native double now();

    static Map<String, Object> scenario(JsonTree req) {
        Map<String, Object> timings = new LinkedHashMap<>();
        double t0 = now();
        Scenario s = read(req);
        current = s;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", s.name());
        out.put("title", s.title());
        out.put("description", s.description());
        List<Object> progs = new ArrayList<>();
        for (Scenario.VmSpec v : s.vms()) {
            for (Scenario.ProgramSpec p : v.programs()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("key", v.name() + "/" + p.name());
                m.put("arch", v.arch());
                m.put("at", p.at() < 0 ? null : "0x" + Long.toHexString(p.at()));
                m.put("source", p.source());
                progs.add(m);
            }
        }
        out.put("programs", progs);
        timings.put("read", now() - t0);
        Map<String, Machine> machines = ScenarioRunner.build(s);
        timings.put("build", now() - t0);
        ScenarioRunner.Result r = ScenarioRunner.run(s, machines, new ScenarioRunner.Budget(0, 0, ScenarioRunner.Budget.DEFAULT_INSTRUCTIONS,
                Long.MAX_VALUE), Integer.MAX_VALUE, TraceSink.NONE, e -> Js.json(TraceJson.fields(e)));
        timings.put("run", now() - t0);
        List<Object> lines = new ArrayList<>();
        List<Object> traps = new ArrayList<>();
        List<TraceEvent> events = r.trace().events();
        for (int i = 0; i < events.size(); i++) {
            lines.add(Js.json(TraceJson.fields(events.get(i))));
            if (events.get(i) instanceof dev.hcsim.core.trace.TrapEvent) {
                traps.add(i);
            }
        }
        out.put("trace", lines);
        out.put("traps", traps);
        timings.put("trace", now() - t0);
        out.put("timeline", Timeline.render(events));
        timings.put("timeline", now() - t0);
        out.put("svg", TimelineSvg.render(TimelineModel.of(List.of(r)), "t"));
        timings.put("svg", now() - t0);
        List<Object> checks = new ArrayList<>();
        for (ScenarioRunner.Check c : r.checks()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", c.path());
            m.put("description", c.description());
            m.put("passed", c.passed());
            m.put("actual", c.actual());
            checks.add(m);
        }
        out.put("checks", checks);
        out.put("passed", r.passed());
        out.put("state", state(machines, events.size()));
        // milliseconds since the request, after each stage: where a slow scenario spends its time (scripts/explorer-budgets.sh)
        timings.put("done", now() - t0);
        out.put("timings", timings);
        return out;
    }

    /** Stops a run after a number of events. */
    private static final class Enough extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Enough() {
            super("enough events", null, false, false);
        }
    }

    /** Every vCPU's state after the first {@code n} events of the current scenario (run again from the start). */
    static Map<String, Object> at(int n) {
        if (current == null) {
            throw new IllegalStateException("no scenario is loaded");
        }
        Map<String, Machine> machines = ScenarioRunner.build(current);
        int[] seen = {0};
        TraceSink stop = e -> {
            if (++seen[0] >= n) {
                throw new Enough();
            }
        };
        if (n > 0) {
            try {
                ScenarioRunner.run(current, machines, new ScenarioRunner.Budget(0, 0, ScenarioRunner.Budget.DEFAULT_INSTRUCTIONS, Long.MAX_VALUE), 0, stop,
                        e -> "");
            } catch (Enough e) {
                // the state at the n-th event
            }
        }
        return state(machines, Math.min(seen[0], n));
    }

    private static Map<String, Object> state(Map<String, Machine> machines, int events) {
        List<Object> vms = new ArrayList<>();
        machines.forEach((name, m) -> {
            List<Object> cpus = new ArrayList<>();
            for (int i = 0; i < m.vm().vcpuCount(); i++) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("vcpu", i);
                VcpuState st = m.stateOf(i);
                c.put("state", st.name().toLowerCase(java.util.Locale.ROOT));
                c.put("registers", registers(m.registers(i)));
                cpus.add(c);
            }
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("name", name);
            v.put("vcpus", cpus);
            vms.add(v);
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("events", events);
        out.put("vms", vms);
        return out;
    }

}
