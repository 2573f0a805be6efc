package dev.hcsim.core.scenario;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.Hcsim;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.VcpuState;
import dev.hcsim.core.Vm;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.asm.AsmException;
import dev.hcsim.core.asm.Assembler;
import dev.hcsim.core.asm.Program;
import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.sched.RunResult;
import dev.hcsim.core.spi.Architecture;
import dev.hcsim.core.scenario.JsonLines;
import dev.hcsim.core.trace.Trace;
import dev.hcsim.core.trace.TraceEvent;
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
        Map<String, Machine> machines = new LinkedHashMap<>();
        for (int i = 0; i < s.vms().size(); i++) {
            Scenario.VmSpec spec = s.vms().get(i);
            String path = s.vms().size() == 1 && !s.file().isEmpty() ? "$.vm" : "$.vms[" + i + "]";
            machines.put(spec.name(), machine(s.file(), spec, path));
        }
        return machines;
    }

    private static ScenarioException err(String file, String path, String msg) {
        return new ScenarioException(file + ": " + msg + " (at " + path + ")");
    }

    private static Machine machine(String file, Scenario.VmSpec spec, String path) {
        Architecture arch;
        try {
            arch = Hcsim.architecture(spec.arch());
        } catch (IllegalArgumentException e) {
            throw err(file, path + ".arch", e.getMessage());
        }
        Vm vm;
        try {
            VmConfig.Builder b = VmConfig.builder(arch.name()).vcpus(spec.vcpus()).pcpus(spec.pcpus()).quantum(spec.quantum()).seed(spec.seed());
            for (long[] r : spec.memory()) {
                b.memory(r[0], r[1]);
            }
            spec.features().forEach(b::feature);
            spec.options().forEach(b::option);
            if (spec.vcpuIds() != null) {
                b.vcpuIds(spec.vcpuIds());
            }
            vm = Vm.create(arch, b.build());
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
            Program prog;
            try {
                prog = Assembler.assemble(vm.codec(), p.source(), at);
            } catch (AsmException e) {
                throw err(file, p.path() + ".source", "program '" + p.name() + "': " + e.getMessage());
            }
            try {
                m.load(at, prog.bytes());
            } catch (IllegalArgumentException e) {
                throw err(file, p.path() + ".at", "program '" + p.name() + "': " + e.getMessage());
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
            regs.pc(Math.max(entry, 0));
            for (Map.Entry<String, Long> r : c.registers().entrySet()) {
                int idx = regs.layout().indexOf(r.getKey());
                if (idx < 0) {
                    throw err(file, c.path() + ".registers." + r.getKey(), "unknown " + arch.name() + " register '" + r.getKey() + "'");
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
        Map<String, Machine> machines = build(s);
        Trace trace = new Trace();
        Map<String, RunResult> runs = new LinkedHashMap<>();
        for (Scenario.VmSpec spec : s.vms()) {
            Machine m = machines.get(spec.name());
            m.traceTo(trace);
            runs.put(spec.name(), m.run(maxSteps > 0 ? maxSteps : spec.maxSteps(), maxTimeNanos > 0 ? maxTimeNanos : spec.maxTimeNanos()));
        }
        List<Check> checks = new ArrayList<>();
        for (Scenario.Expectation e : s.expectations()) {
            checks.add(check(e, machines, trace));
        }
        return new Result(s, machines, runs, trace, checks);
    }

    private static Check check(Scenario.Expectation e, Map<String, Machine> machines, Trace trace) {
        Machine m = e.vm() == null ? null : machines.get(e.vm());
        if (e instanceof Scenario.RegisterEquals r) {
            RegisterFile regs = m.registers(r.vcpu());
            int idx = regs.layout().indexOf(r.register());
            String what = r.vm() + "/vcpu" + r.vcpu() + " " + r.register() + " == " + Bytes.hex64(r.value());
            if (idx < 0 && !r.register().equalsIgnoreCase("pc")) {
                return new Check(r.path(), what, false, "no register called '" + r.register() + "'");
            }
            long v = idx < 0 ? regs.pc() : regs.get(idx);
            return new Check(r.path(), what, v == r.value(), Bytes.hex64(v));
        } else if (e instanceof Scenario.MemoryEquals me) {
            byte[] got = new byte[me.bytes().length];
            boolean ok = m.memory().read(me.gpa(), got, 0, got.length);
            String what = me.vm() + " memory[0x" + Long.toHexString(me.gpa()) + "] == " + Bytes.hex(me.bytes());
            return new Check(me.path(), what, ok && java.util.Arrays.equals(got, me.bytes()), ok ? Bytes.hex(got) : "not guest memory");
        } else if (e instanceof Scenario.StateIs st) {
            VcpuState actual = m.stateOf(st.vcpu());
            return new Check(st.path(), st.vm() + "/vcpu" + st.vcpu() + " is " + st.state(), actual.name().equalsIgnoreCase(st.state()),
                    actual.name().toLowerCase(Locale.ROOT) + (m.stopReason(st.vcpu()) != null ? " (" + m.stopReason(st.vcpu()) + ")" : ""));
        } else if (e instanceof Scenario.InterruptsDelivered in) {
            int got = m.interrupts(in.vcpu()).getOrDefault(in.vector(), 0);
            return new Check(in.path(), in.vm() + "/vcpu" + in.vcpu() + " received " + in.count() + " interrupt(s) of vector 0x"
                    + Integer.toHexString(in.vector()), got == in.count(), String.valueOf(got));
        } else if (e instanceof Scenario.TraceContains tc) {
            boolean found = false;
            for (TraceEvent ev : trace.events()) {
                if ((tc.vm() == null || tc.vm().equals(ev.vm())) && JsonLines.line(ev).contains(tc.text())) {
                    found = true;
                    break;
                }
            }
            return new Check(tc.path(), "trace contains \"" + tc.text() + "\"", found, found ? "found" : "not found");
        } else if (e instanceof Scenario.StopReasonContains sr) {
            String why = m.stopReason(sr.vcpu());
            return new Check(sr.path(), sr.vm() + "/vcpu" + sr.vcpu() + " stop reason contains \"" + sr.text() + "\"",
                    why != null && why.contains(sr.text()), String.valueOf(why));
        }
        throw new IllegalStateException("unknown expectation " + e);
    }
}
