package dev.hcsim.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hcsim.core.Bytes;
import dev.hcsim.core.RegisterFile;
import dev.hcsim.core.RegisterLayout;
import dev.hcsim.core.SparseMemory;
import dev.hcsim.core.scenario.ScenarioRunner;
import dev.hcsim.core.sched.Machine;
import dev.hcsim.core.sched.RunResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code hcsim run --final-state}: every vCPU's registers, state and PC and the guest memory the run changed, as one
 * JSON document, so that a run can be compared field by field with another emulator's (format in docs/scenarios.md,
 * "Final state"). The memory is the set of byte ranges that differ, at the end, from the memory as loaded (programs
 * and data): a diff of pages taken before and after the run, so the run's hot path carries no write log.
 */
final class FinalState {
    /** The value of the document's {@code format} field; a change of the layout below changes it. */
    static final String FORMAT = "hcsim-final-state/1";

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private final ObjectNode root = F.objectNode();
    private final ArrayNode scenarios = F.arrayNode();

    FinalState() {
        root.put("format", FORMAT);
        root.set("scenarios", scenarios);
    }

    /**
     * The memory of every machine as loaded, taken before the run.
     * @param machines the scenario's machines by VM name
     * @return the pages of each machine by VM name
     */
    static Map<String, TreeMap<Long, byte[]>> loaded(Map<String, Machine> machines) {
        Map<String, TreeMap<Long, byte[]>> out = new LinkedHashMap<>();
        machines.forEach((name, m) -> out.put(name, m.memory().snapshotPages()));
        return out;
    }

    /** Adds one scenario's final state; {@code before} from {@link #loaded} before it ran. */
    void add(ScenarioRunner.Result r, Map<String, TreeMap<Long, byte[]>> before) {
        ObjectNode s = scenarios.addObject();
        s.put("file", r.scenario().file());
        s.put("name", r.scenario().name());
        s.put("passed", r.passed());
        ArrayNode vms = s.putArray("vms");
        for (Map.Entry<String, Machine> e : r.machines().entrySet()) {
            Machine m = e.getValue();
            ObjectNode vm = vms.addObject();
            vm.put("name", e.getKey());
            vm.put("arch", m.vm().architecture().name());
            RunResult run = r.runs().get(e.getKey());
            if (run != null) {
                vm.put("end", run.reason().name().toLowerCase(Locale.ROOT));
            }
            ArrayNode vcpus = vm.putArray("vcpus");
            for (int v = 0; v < m.vm().vcpuCount(); v++) {
                ObjectNode c = vcpus.addObject();
                c.put("vcpu", v);
                c.put("state", m.stateOf(v).name().toLowerCase(Locale.ROOT));
                if (m.stopReason(v) != null) {
                    c.put("stopReason", m.stopReason(v));
                }
                RegisterFile regs = m.registers(v);
                c.put("pc", Bytes.hex64(regs.pc()));
                c.put("instructions", m.instructions(v));
                ObjectNode rs = c.putObject("registers");
                for (RegisterLayout.Register reg : regs.layout().all()) {
                    rs.put(reg.name(), Bytes.hex64(regs.get(reg.index())));
                }
            }
            ArrayNode mem = vm.putArray("memoryChanged");
            for (long[] range : changed(before.getOrDefault(e.getKey(), new TreeMap<>()), m.memory())) {
                byte[] b = new byte[(int) range[1]];
                m.memory().read(range[0], b, 0, b.length);
                ObjectNode w = mem.addObject();
                w.put("gpa", Bytes.hex64(range[0]));
                w.put("bytes", Bytes.hex(b));
            }
        }
    }

    /**
     * The ranges ({@code {gpa, length}}, ascending, maximal: adjacent changed bytes form one range, across pages) where
     * {@code after} differs from {@code before}; a page absent from {@code before} was all zeros.
     */
    static List<long[]> changed(TreeMap<Long, byte[]> before, SparseMemory after) {
        List<long[]> out = new ArrayList<>();
        byte[] zeros = new byte[SparseMemory.PAGE_SIZE];
        long start = -1;
        long end = -1; // one past the last changed byte of the open range
        for (Map.Entry<Long, byte[]> p : after.snapshotPages().entrySet()) {
            long base = p.getKey() << SparseMemory.PAGE_SHIFT;
            byte[] now = p.getValue();
            byte[] was = before.getOrDefault(p.getKey(), zeros);
            for (int i = 0; i < now.length; i++) {
                if (now[i] == was[i]) {
                    continue;
                }
                long at = base + i;
                if (at != end) {
                    if (start >= 0) {
                        out.add(new long[] {start, end - start});
                    }
                    start = at;
                }
                end = at + 1;
            }
        }
        if (start >= 0) {
            out.add(new long[] {start, end - start});
        }
        return out;
    }

    /** The document, pretty-printed. */
    String json() {
        return Json.pretty(root);
    }
}
