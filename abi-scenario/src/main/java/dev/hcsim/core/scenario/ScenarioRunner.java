package dev.hcsim.core.scenario;

import dev.hcsim.core.ArchitectureInfo;
import dev.hcsim.core.Bytes;
import dev.hcsim.core.Hcsim;
import dev.hcsim.core.Program;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.asm.AsmException;
import dev.hcsim.core.asm.Assembler;
import dev.hcsim.core.engine.Engine;
import dev.hcsim.core.scenario.JsonLines;
import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.sched.RunResult;
import dev.hcsim.core.trace.Trace;
import dev.hcsim.core.trace.TraceSink;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Builds the machines of a {@link Scenario}, runs them, and checks its expectations. */
public final class ScenarioRunner {
    private ScenarioRunner() {
    }

    /** One checked expectation. */
    public record Check(String path, String description, boolean passed, String actual) {
    }

    /** The outcome of running a scenario: its machines, the trace, how each VM ended, and the checks. */
    public record Result(Scenario scenario, Map<String, Machine> machines, Map<String, RunResult> runs, Trace trace, List<Check> checks) {
        /**
         * True when every expectation holds.
         * @return whether every check passed
         */
        public boolean passed() {
            return checks.stream().allMatch(Check::passed);
        }
    }

    /**
     * Builds the machines; a bad program, register or option is a {@link ScenarioException} naming the place.
     * @param s the scenario
     * @return one machine per VM, by VM name, in file order
     * @throws ScenarioException naming the place in the file for a bad program, register or option
     */
    public static Map<String, Machine> build(Scenario s) {
        return build(s, new long[] {Long.MAX_VALUE});
    }

    /**
     * Builds the machines, taking the assembled programs' bytes from a run's allowance.
     * @param s the scenario
     * @param programBytesLeft one element: the bytes a run may still assemble; lowered by what this scenario assembles
     * @return one machine per VM, by VM name, in file order
     * @throws ScenarioException naming the place in the file for a bad program, register or option, or a program past the allowance
     */
    public static Map<String, Machine> build(Scenario s, long[] programBytesLeft) {
        return build(s, programBytesLeft, null);
    }

    /**
     * Builds the machines, assembling each program once per {@code assembled} map: a seed sweep builds the same
     * scenario once per seed, and what a program assembles to does not depend on the seed (it depends on the source,
     * the address and the VM's architecture, options and features, which make the key).
     * @param s the scenario
     * @param programBytesLeft one element: the bytes a run may still assemble; lowered by what this scenario assembles
     * @param assembled the programs assembled so far, by a key the runner makes, shared by the threads that build (a
     *                  concurrent map), or null to assemble every program afresh
     * @return one machine per VM, by VM name, in file order
     * @throws ScenarioException naming the place in the file for a bad program, register or option, or a program past the allowance
     */
    public static Map<String, Machine> build(Scenario s, long[] programBytesLeft, Map<Object, Program> assembled) {
        return build(s, programBytesLeft, assembled, null);
    }

    /** {@link #build(Scenario, long[], Map)}, adding what it loads into each VM's memory to {@code loads} (one list per VM) when not null. */
    private static Map<String, Machine> build(Scenario s, long[] programBytesLeft, Map<Object, Program> assembled, List<List<Load>> loads) {
        Map<String, Machine> machines = new LinkedHashMap<>();
        for (int i = 0; i < s.vms().size(); i++) {
            Scenario.VmSpec spec = s.vms().get(i);
            String path = s.vms().size() == 1 && !s.file().isEmpty() ? "$.vm" : "$.vms[" + i + "]";
            List<Load> l = null;
            if (loads != null) {
                l = new ArrayList<>();
                loads.add(l);
            }
            machines.put(spec.name(), machine(s.where(), spec, path, programBytesLeft, assembled, l));
        }
        for (Scenario.Expectation e : s.expectations()) {
            // a typo in an expectation is bad input (exit 2) like the same typo in "registers", not a failed check
            if (e instanceof Scenario.RegisterEquals r && !r.register().equalsIgnoreCase("pc")
                    && machines.get(r.vm()).registers(r.vcpu()).layout().indexOf(r.register()) < 0) {
                throw err(s.where(), r.path() + ".register", "unknown " + machines.get(r.vm()).vm().architecture().name() + " register '"
                        + r.register() + "'");
            }
        }
        return machines;
    }

    /**
     * What a program assembles to depends on: its source, its address and its VM's architecture, options and features.
     * A record, not their text joined: a sweep looks every program up once per seed, and the source keeps its hash
     * code while the joined text was built and hashed afresh each time.
     */
    private record ProgramKey(String arch, Map<String, String> options, Map<String, Boolean> features, long at, String source) {
    }

    /** Bytes a build put into guest memory. */
    private record Load(long at, byte[] bytes) {
    }

    /**
     * A scenario built once and then again per seed without reading, assembling or checking it again: what a seed sweep
     * builds. Each {@link #build} makes new VMs and machines (a VM's architecture state, its scheduler and, on some
     * architectures, its random sources depend on the seed), loads the same bytes, and gives every vCPU the
     * registers and state the first build gave it; the result is the machines {@link ScenarioRunner#build} makes for
     * the scenario with that seed.
     */
    public static final class Prepared {
        private final Scenario scenario;
        private final List<Scenario.VmSpec> specs;
        private final List<Machine> first;
        private final List<List<Load>> loads;
        private final List<VcpuState[]> states;

        private Prepared(Scenario s, List<Machine> first, List<List<Load>> loads) {
            this.scenario = s;
            this.specs = s.vms();
            this.first = first;
            this.loads = loads;
            this.states = new ArrayList<>();
            for (int i = 0; i < specs.size(); i++) {
                VcpuState[] st = new VcpuState[specs.get(i).vcpus()];
                for (Scenario.CpuSpec c : specs.get(i).cpus()) {
                    st[c.vcpu()] = VcpuState.valueOf(c.state().toUpperCase(Locale.ROOT));
                }
                states.add(st);
            }
        }

        /**
         * The scenario's machines for {@code seed}, as {@code build(scenario.withSeed(seed))} makes them.
         * @param seed every VM's scheduler seed
         * @return one machine per VM, by VM name, in file order
         */
        public Map<String, Machine> build(long seed) {
            Map<String, Machine> machines = new LinkedHashMap<>();
            for (int i = 0; i < specs.size(); i++) {
                Scenario.VmSpec spec = specs.get(i);
                Machine model = first.get(i);
                Machine m = new Machine(Vm.create(model.vm().config().toBuilder().seed(seed).build()), spec.name());
                if (!spec.hostReturns().isEmpty()) {
                    m.host(new ScenarioHost(spec.hostReturns()));
                }
                for (Load l : loads.get(i)) {
                    m.load(l.at(), l.bytes());
                }
                VcpuState[] st = states.get(i);
                for (int v = 0; v < st.length; v++) {
                    m.registers(v).copyFrom(model.registers(v));
                    if (st[v] != null) {
                        m.initialState(v, st[v]);
                    }
                }
                machines.put(spec.name(), m);
            }
            return machines;
        }

        /**
         * The scenario prepared.
         * @return the scenario, with the seeds it was read with
         */
        public Scenario scenario() {
            return scenario;
        }
    }

    /**
     * Builds the scenario once (every error it has is found here, as by {@link #build}) and keeps what a build per seed
     * reuses: the bytes loaded, the registers and states set.
     * @param s the scenario
     * @return the prepared scenario
     * @throws ScenarioException naming the place in the file for a bad program, register or option
     */
    public static Prepared prepare(Scenario s) {
        List<List<Load>> loads = new ArrayList<>();
        Map<String, Machine> built = build(s, new long[] {Long.MAX_VALUE}, null, loads);
        List<Machine> first = new ArrayList<>();
        for (Scenario.VmSpec spec : s.vms()) {
            first.add(built.get(spec.name()));
        }
        return new Prepared(s, first, loads);
    }

    /** "file:line:col: message (at path)": build-time errors name the line as reading errors do. */
    private static ScenarioException err(Scenario.Where where, String path, String msg) {
        return new ScenarioException(where.at(path) + ": " + msg + " (at " + path + ")");
    }

    /** One VM's machine, adding each block of bytes it loads into guest memory to {@code loads} when not null. */
    private static Machine machine(Scenario.Where file, Scenario.VmSpec spec, String path, long[] programBytesLeft, Map<Object, Program> assembled,
            List<Load> loads) {
        ArchitectureInfo arch;
        try {
            arch = Hcsim.architecture(spec.arch());
        } catch (IllegalArgumentException e) {
            throw err(file, path + ".arch", e.getMessage());
        }
        Vm vm;
        try {
            VmConfig.Builder b = VmConfig.builder(arch.name()).vcpus(spec.vcpus()).pcpus(spec.pcpus()).quantum(spec.quantum())
                    .interleave(spec.interleave()).seed(spec.seed());
            for (long[] r : spec.memory()) {
                b.memory(r[0], r[1]);
            }
            spec.features().forEach(b::feature);
            spec.options().forEach(b::option);
            if (spec.vcpuIds() != null) {
                b.vcpuIds(spec.vcpuIds());
            }
            vm = Vm.create(b.build());
        } catch (IllegalArgumentException e) {
            throw err(file, path, e.getMessage());
        }
        Machine m = new Machine(vm, spec.name());
        if (!spec.hostReturns().isEmpty()) {
            m.host(new ScenarioHost(spec.hostReturns()));
        }
        Map<String, Long> symbols = new LinkedHashMap<>();
        long firstEntry = -1;
        long nextAt = arch.defaultEntry();
        for (Scenario.ProgramSpec p : spec.programs()) {
            long at = p.at() >= 0 ? p.at() : nextAt;
            ProgramKey key = assembled == null ? null : new ProgramKey(spec.arch(), spec.options(), spec.features(), at, p.source());
            Program prog = key == null ? null : assembled.get(key);
            try {
                if (prog == null || prog.bytes().length > programBytesLeft[0]) { // past the allowance: assembling says so
                    prog = Assembler.assemble(Engine.context(vm).codec(), p.source(), at, programBytesLeft[0]);
                    if (key != null) {
                        assembled.putIfAbsent(key, prog);
                    }
                }
                programBytesLeft[0] -= prog.bytes().length;
            } catch (AsmException e) {
                throw err(file, p.path() + ".source", "program '" + p.name() + "': " + e.getMessage());
            }
            try {
                m.load(at, prog.bytes());
            } catch (IllegalArgumentException e) {
                throw err(file, p.path() + ".at", "program '" + p.name() + "': " + e.getMessage());
            }
            if (loads != null) {
                loads.add(new Load(at, prog.bytes()));
            }
            symbols.put(p.name(), at);
            prog.labels().forEach(symbols::putIfAbsent);
            prog.labels().forEach((k, v) -> symbols.put(p.name() + "." + k, v));
            if (firstEntry < 0) {
                firstEntry = at;
            }
            nextAt = (at + prog.bytes().length + 0xFFF) & ~0xFFFL;
        }
        for (Scenario.DataSpec d : spec.data()) {
            try {
                m.load(d.at(), d.bytes());
            } catch (IllegalArgumentException e) {
                throw err(file, d.path(), e.getMessage());
            }
            if (loads != null) {
                loads.add(new Load(d.at(), d.bytes()));
            }
        }
        boolean[] described = new boolean[spec.vcpus()];
        for (Scenario.CpuSpec c : spec.cpus()) {
            described[c.vcpu()] = true;
            RegisterFile regs = m.registers(c.vcpu());
            long entry = firstEntry;
            if (c.entry() != null) {
                Long sym = symbols.get(c.entry());
                if (sym != null) {
                    entry = sym;
                } else {
                    try {
                        entry = Bytes.parseNumber(c.entry());
                    } catch (IllegalArgumentException e) {
                        throw err(file, c.path() + ".entry", "'" + c.entry() + "' is neither a program, a label nor an address; known: "
                                + symbols.keySet());
                    }
                }
            }
            if (entry < 0 && c.entry() != null) { // no program and no entry: PC 0, as before
                throw err(file, c.path() + ".entry", "entry " + Bytes.hex64(entry) + " is not an address (0 .. 0x7fffffffffffffff)");
            }
            regs.pc(Math.max(entry, 0));
            Map<Integer, String> set = new java.util.HashMap<>();
            for (Map.Entry<String, Long> r : c.registers().entrySet()) {
                int idx = regs.layout().indexOf(r.getKey());
                if (idx < 0) {
                    throw err(file, c.path() + ".registers." + r.getKey(), "unknown " + arch.name() + " register '" + r.getKey() + "'");
                }
                String before = set.put(idx, r.getKey());
                if (before != null) {
                    throw err(file, c.path() + ".registers." + r.getKey(), "register '" + r.getKey() + "' is set twice (also as '" + before + "')");
                }
                regs.set(idx, r.getValue());
            }
            m.initialState(c.vcpu(), VcpuState.valueOf(c.state().toUpperCase(Locale.ROOT)));
        }
        for (int v = 0; v < spec.vcpus(); v++) {
            if (!described[v]) {
                m.registers(v).pc(Math.max(firstEntry, 0));
            }
        }
        return m;
    }

    /**
     * Runs every VM of the scenario in order, with the budgets the scenario gives, and checks the expectations.
     * @param s the scenario
     * @return the machines, the trace, how each VM ended and the checks
     * @throws ScenarioException naming the place in the file for a bad program, register or option
     */
    public static Result run(Scenario s) {
        return run(s, 0, 0);
    }

    /**
     * Runs with budgets that override the scenario's where positive: at most {@code maxSteps} scheduler
     * ticks and {@code maxTimeNanos} of virtual time per VM, so that no guest can make a run hang.
     * @param s the scenario
     * @param maxSteps the most scheduler ticks per VM; 0 or less keeps the scenario's budget
     * @param maxTimeNanos the most virtual nanoseconds per VM; 0 or less keeps the scenario's budget
     * @return the machines, the trace, how each VM ended and the checks
     * @throws ScenarioException naming the place in the file for a bad program, register or option
     */
    public static Result run(Scenario s, long maxSteps, long maxTimeNanos) {
        return run(s, build(s), new Budget(maxSteps, maxTimeNanos, Long.MAX_VALUE, Long.MAX_VALUE), Integer.MAX_VALUE, TraceSink.NONE);
    }

    /**
     * What one run may use. Steps and virtual time are per VM and override the scenario's where positive; guest
     * instructions are per VM (a tick runs one instruction on every busy physical CPU, so ticks alone do not bound
     * the work of a VM with thousands of physical CPUs); the deadline is for the whole command.
     * @param maxSteps the most scheduler ticks per VM; 0 or less keeps the scenario's budget
     * @param maxTimeNanos the most virtual nanoseconds per VM; 0 or less keeps the scenario's budget
     * @param maxInstructions the most guest instructions per VM, all vCPUs together
     * @param deadlineNanoTime the {@link System#nanoTime()} after which every run stops; {@code Long.MAX_VALUE}: none
     */
    public record Budget(long maxSteps, long maxTimeNanos, long maxInstructions, long deadlineNanoTime) {
        /** Guest instructions per VM by default: a minute or less here even when every third instruction traps, whatever the scenario's other budgets. */
        public static final long DEFAULT_INSTRUCTIONS = 10_000_000L;
    }

    /**
     * Runs machines already built with {@link #build} (so that every file is checked before anything runs),
     * streaming every event to {@code tap} and keeping only the first {@code keepEvents} in the result's trace.
     * Trace expectations are checked against every event as it streams by, not only the kept ones.
     * @param s the scenario
     * @param machines its machines, from {@link #build}
     * @param budget what the run may use
     * @param keepEvents how many events the result's trace keeps (the rest are counted)
     * @param tap receives every event as it happens (the trace file, JSON lines on stdout, the pictures)
     * @return the machines, the kept trace, how each VM ended and the checks
     */
    public static Result run(Scenario s, Map<String, Machine> machines, Budget budget, int keepEvents, TraceSink tap) {
        return run(s, machines, budget, keepEvents, tap, JsonLines::line);
    }

    /**
     * {@link #run(Scenario, Map, Budget, int, TraceSink)} with the JSON line of an event, which trace expectations
     * search, made by {@code lines}: the Explorer page gives the browser's JSON of {@link TraceJson#fields}.
     * @param s the scenario
     * @param machines its machines, from {@link #build}
     * @param budget what the run may use
     * @param keepEvents how many events the result's trace keeps (the rest are counted)
     * @param tap receives every event as it happens
     * @param lines an event's JSON line, as {@link JsonLines#line} writes it
     * @return the machines, the kept trace, how each VM ended and the checks
     */
    public static Result run(Scenario s, Map<String, Machine> machines, Budget budget, int keepEvents, TraceSink tap,
            java.util.function.Function<dev.hcsim.core.trace.TraceEvent, String> lines) {
        Trace trace = new Trace(keepEvents);
        List<Scenario.TraceContains> wanted = new ArrayList<>();
        for (Scenario.Expectation e : s.expectations()) {
            if (e instanceof Scenario.TraceContains tc) {
                wanted.add(tc);
            }
        }
        boolean[] found = new boolean[wanted.size()];
        TraceSink sink = e -> {
            trace.accept(e);
            tap.accept(e);
            if (!wanted.isEmpty()) {
                String line = null;
                for (int i = 0; i < found.length; i++) {
                    Scenario.TraceContains tc = wanted.get(i);
                    if (!found[i] && (tc.vm() == null || tc.vm().equals(e.vm()))) {
                        line = line != null ? line : lines.apply(e);
                        found[i] = line.contains(tc.text());
                    }
                }
            }
        };
        Map<String, RunResult> runs = new LinkedHashMap<>();
        for (Scenario.VmSpec spec : s.vms()) {
            Machine m = machines.get(spec.name());
            m.traceTo(sink);
            runs.put(spec.name(), m.run(budget.maxSteps() > 0 ? budget.maxSteps() : spec.maxSteps(),
                    budget.maxTimeNanos() > 0 ? budget.maxTimeNanos() : spec.maxTimeNanos(), budget.maxInstructions(), budget.deadlineNanoTime()));
        }
        List<Check> checks = new ArrayList<>();
        for (Scenario.Expectation e : s.expectations()) {
            if (e instanceof Scenario.TraceContains tc) {
                boolean ok = found[wanted.indexOf(tc)];
                checks.add(new Check(tc.path(), "trace contains \"" + tc.text() + "\"", ok, ok ? "found" : "not found"));
            } else {
                checks.add(check(e, machines));
            }
        }
        return new Result(s, machines, runs, trace, checks);
    }

    /**
     * Runs machines already built with {@link #build} and returns the first expectation they miss, in file order, or
     * null when every one holds: what a seed sweep needs of a seed, and no more. A scenario without trace expectations
     * runs untraced (no event is made; the machines' registers, memory and states are the same as in a traced run),
     * and only a missed expectation's check is put into words.
     * @param s the scenario
     * @param machines its machines, from {@link #build}
     * @param budget what the run may use
     * @return the first missed expectation's check, or null when all hold
     */
    public static Check firstFailure(Scenario s, Map<String, Machine> machines, Budget budget) {
        for (Scenario.Expectation e : s.expectations()) {
            if (e instanceof Scenario.TraceContains) { // searched in the events as they stream by: the traced run
                for (Check c : run(s, machines, budget, 0, TraceSink.NONE).checks()) {
                    if (!c.passed()) {
                        return c;
                    }
                }
                return null;
            }
        }
        for (Scenario.VmSpec spec : s.vms()) {
            Machine m = machines.get(spec.name());
            m.traceTo(TraceSink.NONE);
            m.run(budget.maxSteps() > 0 ? budget.maxSteps() : spec.maxSteps(), budget.maxTimeNanos() > 0 ? budget.maxTimeNanos() : spec.maxTimeNanos(),
                    budget.maxInstructions(), budget.deadlineNanoTime());
        }
        for (Scenario.Expectation e : s.expectations()) {
            if (!holds(e, machines)) {
                return check(e, machines);
            }
        }
        return null;
    }

    /** Whether a machine-state expectation holds: {@link #check}'s verdict without its words. */
    private static boolean holds(Scenario.Expectation e, Map<String, Machine> machines) {
        Machine m = e.vm() == null ? null : machines.get(e.vm());
        if (e instanceof Scenario.RegisterEquals r) {
            RegisterFile regs = m.registers(r.vcpu());
            int idx = regs.layout().indexOf(r.register());
            if (idx < 0 && !r.register().equalsIgnoreCase("pc")) {
                return false;
            }
            return r.matches(idx < 0 ? regs.pc() : regs.get(idx));
        } else if (e instanceof Scenario.MemoryEquals me) {
            byte[] got = new byte[me.bytes().length];
            return m.memory().read(me.gpa(), got, 0, got.length) && java.util.Arrays.equals(got, me.bytes());
        } else if (e instanceof Scenario.StateIs st) {
            return m.stateOf(st.vcpu()).name().equalsIgnoreCase(st.state());
        } else if (e instanceof Scenario.InterruptsDelivered in) {
            return m.interrupts(in.vcpu()).getOrDefault(in.vector(), 0) == in.count();
        } else if (e instanceof Scenario.StopReasonContains sr) {
            String why = m.stopReason(sr.vcpu());
            return why != null && why.contains(sr.text());
        }
        throw new IllegalStateException("unknown expectation " + e);
    }

    private static Check check(Scenario.Expectation e, Map<String, Machine> machines) {
        Machine m = e.vm() == null ? null : machines.get(e.vm());
        if (e instanceof Scenario.RegisterEquals r) {
            RegisterFile regs = m.registers(r.vcpu());
            int idx = regs.layout().indexOf(r.register());
            String what = r.vm() + "/vcpu" + r.vcpu() + " " + r.register() + (r.mask() == -1L ? "" : " & " + Bytes.hex64(r.mask())) + " == "
                    + Bytes.hex64(r.value());
            if (idx < 0 && !r.register().equalsIgnoreCase("pc")) {
                return new Check(r.path(), what, false, "no register called '" + r.register() + "'");
            }
            long v = idx < 0 ? regs.pc() : regs.get(idx);
            // with a mask the message shows the compared bits and the whole register, so a failure shows both
            return new Check(r.path(), what, holds(e, machines), r.mask() == -1L ? Bytes.hex64(v) : Bytes.hex64(v & r.mask()) + " (whole register "
                    + Bytes.hex64(v) + ")");
        } else if (e instanceof Scenario.MemoryEquals me) {
            byte[] got = new byte[me.bytes().length];
            boolean ok = m.memory().read(me.gpa(), got, 0, got.length);
            String what = me.vm() + " memory[0x" + Long.toHexString(me.gpa()) + "] == " + Bytes.hex(me.bytes());
            return new Check(me.path(), what, holds(e, machines), ok ? Bytes.hex(got) : "not guest memory");
        } else if (e instanceof Scenario.StateIs st) {
            VcpuState actual = m.stateOf(st.vcpu());
            return new Check(st.path(), st.vm() + "/vcpu" + st.vcpu() + " is " + st.state(), holds(e, machines),
                    actual.name().toLowerCase(Locale.ROOT) + (m.stopReason(st.vcpu()) != null ? " (" + m.stopReason(st.vcpu()) + ")" : ""));
        } else if (e instanceof Scenario.InterruptsDelivered in) {
            int got = m.interrupts(in.vcpu()).getOrDefault(in.vector(), 0);
            return new Check(in.path(), in.vm() + "/vcpu" + in.vcpu() + " received " + in.count() + " interrupt(s) of vector 0x"
                    + Integer.toHexString(in.vector()), holds(e, machines), String.valueOf(got));
        } else if (e instanceof Scenario.StopReasonContains sr) {
            String why = m.stopReason(sr.vcpu());
            return new Check(sr.path(), sr.vm() + "/vcpu" + sr.vcpu() + " stop reason contains \"" + sr.text() + "\"",
                    holds(e, machines), String.valueOf(why));
        }
        throw new IllegalStateException("unknown expectation " + e);
    }
}
