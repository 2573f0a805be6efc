package dev.hcsim.core.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hcsim.core.Bytes;
import dev.hcsim.core.VmConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads scenario JSON. Every error names the file, line and column, the JSON path, and what was
 * expected; unknown keys are errors (a typo must not silently drop an expectation).
 */
public final class ScenarioReader {
    /** Largest scenario file accepted. */
    public static final long MAX_FILE_BYTES = 4L << 20;
    /** Largest memory region accepted (sparse memory would hold more, but nobody means it). */
    public static final long MAX_REGION_BYTES = 1L << 48;

    private static final Set<String> TOP = Set.of("$schema", "name", "title", "description", "vms", "vm", "expect");
    private static final Set<String> VM = Set.of("name", "arch", "vcpus", "pcpus", "quantum", "seed", "memory", "features", "options",
            "vcpuIds", "maxSteps", "maxTimeNs", "programs", "data", "cpus", "host", "comment");
    private static final Set<String> PROGRAM = Set.of("name", "at", "source", "comment");
    private static final Set<String> DATA = Set.of("at", "bytes", "comment");
    private static final Set<String> CPU = Set.of("vcpu", "entry", "state", "registers", "comment");
    private static final Set<String> REGION = Set.of("base", "size");
    private static final Set<String> EXPECT = Set.of("vm", "vcpu", "register", "equals", "memory", "bytes", "state", "interrupts",
            "count", "trace", "stopReason", "comment");

    private final LocatedJson json;

    private ScenarioReader(LocatedJson json) {
        this.json = json;
    }

    /**
     * Reads a scenario file.
     * @param file the scenario's path
     * @return the parsed scenario
     * @throws ScenarioException naming the file (and the JSON path) when it is missing, too large, unreadable or
     *   malformed
     */
    public static Scenario read(Path file) {
        String name = file.toString();
        try {
            if (!Files.isRegularFile(file)) {
                throw new ScenarioException(name + ": no such file");
            }
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new ScenarioException(name + ": file is " + size + " bytes; a scenario may be at most " + MAX_FILE_BYTES + " bytes");
            }
            byte[] raw = Files.readAllBytes(file);
            return parse(new String(raw, StandardCharsets.UTF_8), name);
        } catch (IOException e) {
            throw new ScenarioException(name + ": cannot read: " + e.getMessage());
        }
    }

    /**
     * Parses scenario text; {@code file} names it in error messages.
     * @param text the JSON text
     * @param file the name used in messages
     * @return the parsed scenario
     * @throws ScenarioException naming the file and the JSON path for anything malformed
     */
    public static Scenario parse(String text, String file) {
        if (text.length() > MAX_FILE_BYTES) {
            throw new ScenarioException(file + ": text is longer than " + MAX_FILE_BYTES + " characters");
        }
        return new ScenarioReader(LocatedJson.parse(text, file)).scenario();
    }

    private Scenario scenario() {
        JsonNode root = json.root;
        if (!root.isObject()) {
            throw json.error("$", "expected a JSON object with \"vms\" and \"expect\"");
        }
        keys(root, "$", TOP);
        String name = text(root, "$", "name", null);
        List<Scenario.VmSpec> vms = new ArrayList<>();
        if (root.has("vm") && root.has("vms")) {
            throw json.error("$", "give either \"vm\" or \"vms\", not both");
        }
        if (root.has("vm")) {
            vms.add(vm(root.get("vm"), "$.vm", 0));
        } else {
            JsonNode arr = root.get("vms");
            if (arr == null || !arr.isArray() || arr.isEmpty()) {
                throw json.error("$", "expected \"vms\": a non-empty array of VMs (or \"vm\": one VM)");
            }
            for (int i = 0; i < arr.size(); i++) {
                vms.add(vm(arr.get(i), "$.vms[" + i + "]", i));
            }
        }
        for (int i = 0; i < vms.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (vms.get(i).name().equals(vms.get(j).name())) {
                    throw json.error("$.vms[" + i + "].name", "VM name '" + vms.get(i).name() + "' is used twice");
                }
            }
        }
        List<Scenario.Expectation> ex = new ArrayList<>();
        JsonNode e = root.get("expect");
        if (e != null) {
            if (!e.isArray()) {
                throw json.error("$.expect", "expected an array of expectations");
            }
            for (int i = 0; i < e.size(); i++) {
                ex.add(expectation(e.get(i), "$.expect[" + i + "]", vms));
            }
        }
        return new Scenario(json.file(), name == null ? vms.get(0).name() : name, text(root, "$", "title", ""),
                text(root, "$", "description", ""), vms, ex);
    }

    private Scenario.VmSpec vm(JsonNode n, String path, int index) {
        object(n, path);
        keys(n, path, VM);
        String name = text(n, path, "name", "vm" + index);
        String arch = text(n, path, "arch", null);
        if (arch == null) {
            throw json.error(path, "missing \"arch\" (one of " + dev.hcsim.core.Hcsim.architectures().stream().map(a -> a.name()).toList() + ")");
        }
        int vcpus = (int) number(n, path, "vcpus", 1, 1, VmConfig.MAX_VCPUS);
        int pcpus = (int) number(n, path, "pcpus", 1, 1, VmConfig.MAX_PCPUS);
        long quantum = number(n, path, "quantum", 1000, 1, Long.MAX_VALUE);
        long seed = number(n, path, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE);
        long maxSteps = number(n, path, "maxSteps", 1_000_000, 1, 1_000_000_000L);
        long maxTime = number(n, path, "maxTimeNs", 1_000_000_000L, 1, Long.MAX_VALUE);
        List<long[]> memory = new ArrayList<>();
        JsonNode mem = n.get("memory");
        if (mem != null) {
            array(mem, path + ".memory");
            for (int i = 0; i < mem.size(); i++) {
                String p = path + ".memory[" + i + "]";
                object(mem.get(i), p);
                keys(mem.get(i), p, REGION);
                long base = number(mem.get(i), p, "base", 0, 0, Long.MAX_VALUE);
                long size = number(mem.get(i), p, "size", -1, 1, MAX_REGION_BYTES);
                if (size < 0) {
                    throw json.error(p, "missing \"size\"");
                }
                if (base + size < 0) {
                    throw json.error(p, "region runs past the 63-bit address space");
                }
                memory.add(new long[] {base, size});
            }
        }
        Map<String, Boolean> features = new LinkedHashMap<>();
        JsonNode f = n.get("features");
        if (f != null) {
            object(f, path + ".features");
            for (Iterator<Map.Entry<String, JsonNode>> it = f.fields(); it.hasNext();) {
                var e = it.next();
                if (!e.getValue().isBoolean()) {
                    throw json.error(path + ".features." + e.getKey(), "expected true or false");
                }
                features.put(e.getKey(), e.getValue().asBoolean());
            }
        }
        Map<String, String> options = new LinkedHashMap<>();
        JsonNode o = n.get("options");
        if (o != null) {
            object(o, path + ".options");
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext();) {
                var e = it.next();
                if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                    throw json.error(path + ".options." + e.getKey(), "expected a string, number or boolean");
                }
                options.put(e.getKey(), e.getValue().asText());
            }
        }
        long[] ids = null;
        JsonNode idn = n.get("vcpuIds");
        if (idn != null) {
            array(idn, path + ".vcpuIds");
            if (idn.size() != vcpus) {
                throw json.error(path + ".vcpuIds", "lists " + idn.size() + " ids for " + vcpus + " vCPUs");
            }
            ids = new long[vcpus];
            for (int i = 0; i < vcpus; i++) {
                ids[i] = value(idn.get(i), path + ".vcpuIds[" + i + "]", Long.MIN_VALUE, Long.MAX_VALUE);
            }
        }
        List<Scenario.ProgramSpec> programs = new ArrayList<>();
        JsonNode progs = n.get("programs");
        if (progs != null) {
            array(progs, path + ".programs");
            for (int i = 0; i < progs.size(); i++) {
                String p = path + ".programs[" + i + "]";
                JsonNode pn = progs.get(i);
                object(pn, p);
                keys(pn, p, PROGRAM);
                String src = source(pn, p);
                programs.add(new Scenario.ProgramSpec(text(pn, p, "name", "program" + i), number(pn, p, "at", -1, -1, Long.MAX_VALUE), src,
                        p));
            }
        }
        List<Scenario.DataSpec> data = new ArrayList<>();
        JsonNode dn = n.get("data");
        if (dn != null) {
            array(dn, path + ".data");
            for (int i = 0; i < dn.size(); i++) {
                String p = path + ".data[" + i + "]";
                object(dn.get(i), p);
                keys(dn.get(i), p, DATA);
                String hex = text(dn.get(i), p, "bytes", null);
                if (hex == null) {
                    throw json.error(p, "missing \"bytes\" (hex)");
                }
                byte[] bytes;
                try {
                    bytes = Bytes.parseHex(hex);
                } catch (IllegalArgumentException ex) {
                    throw json.error(p + ".bytes", ex.getMessage());
                }
                data.add(new Scenario.DataSpec(number(dn.get(i), p, "at", 0, 0, Long.MAX_VALUE), bytes, p));
            }
        }
        List<Scenario.CpuSpec> cpus = new ArrayList<>();
        JsonNode cn = n.get("cpus");
        if (cn != null) {
            array(cn, path + ".cpus");
            for (int i = 0; i < cn.size(); i++) {
                String p = path + ".cpus[" + i + "]";
                JsonNode c = cn.get(i);
                object(c, p);
                keys(c, p, CPU);
                int v = (int) number(c, p, "vcpu", -1, 0, vcpus - 1);
                if (v < 0) {
                    throw json.error(p, "missing \"vcpu\" (0.." + (vcpus - 1) + ")");
                }
                for (Scenario.CpuSpec prev : cpus) {
                    if (prev.vcpu() == v) {
                        throw json.error(p + ".vcpu", "vCPU " + v + " is described twice");
                    }
                }
                String state = text(c, p, "state", "runnable");
                if (!Set.of("runnable", "halted", "off").contains(state)) {
                    throw json.error(p + ".state", "expected \"runnable\", \"halted\" or \"off\", got \"" + state + "\"");
                }
                Map<String, Long> regs = new LinkedHashMap<>();
                JsonNode rn = c.get("registers");
                if (rn != null) {
                    object(rn, p + ".registers");
                    for (Iterator<Map.Entry<String, JsonNode>> it = rn.fields(); it.hasNext();) {
                        var e = it.next();
                        regs.put(e.getKey(), value(e.getValue(), p + ".registers." + e.getKey(), Long.MIN_VALUE, Long.MAX_VALUE));
                    }
                }
                JsonNode en = c.get("entry");
                String entry = en == null ? null : en.isTextual() ? en.asText() : String.valueOf(value(en, p + ".entry", 0, Long.MAX_VALUE));
                cpus.add(new Scenario.CpuSpec(v, entry, state, regs, p));
            }
        }
        Map<String, List<Long>> host = new LinkedHashMap<>();
        JsonNode hn = n.get("host");
        if (hn != null) {
            object(hn, path + ".host");
            for (Iterator<Map.Entry<String, JsonNode>> it = hn.fields(); it.hasNext();) {
                var e = it.next();
                host.put(e.getKey(), hostAnswer(e.getKey(), e.getValue(), path + ".host." + e.getKey()));
            }
        }
        return new Scenario.VmSpec(name, arch, vcpus, pcpus, quantum, seed, memory, features, options, ids, maxSteps, maxTime, programs, data,
                cpus, host);
    }

    /** One value, or [ret[0], ret[1]] for KVM_EXIT_RISCV_SBI, the only exit whose kvm_run payload returns two. */
    private List<Long> hostAnswer(String reason, JsonNode v, String p) {
        if (!v.isArray()) {
            return List.of(value(v, p, Long.MIN_VALUE, Long.MAX_VALUE));
        }
        int max = reason.equals("KVM_EXIT_RISCV_SBI") ? 2 : 1;
        if (v.size() < 1 || v.size() > max) {
            throw json.error(p, max == 2 ? "give one or two values (ret[0], ret[1]), not " + v.size()
                    : "give one value: only KVM_EXIT_RISCV_SBI returns two (ret[0], ret[1])");
        }
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            out.add(value(v.get(i), p + "[" + i + "]", Long.MIN_VALUE, Long.MAX_VALUE));
        }
        return List.copyOf(out);
    }

    private String source(JsonNode pn, String p) {
        JsonNode s = pn.get("source");
        if (s == null) {
            throw json.error(p, "missing \"source\" (assembly text, or an array of lines)");
        }
        if (s.isTextual()) {
            return s.asText();
        }
        if (s.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < s.size(); i++) {
                if (!s.get(i).isTextual()) {
                    throw json.error(p + ".source[" + i + "]", "expected a line of assembly (a string)");
                }
                sb.append(s.get(i).asText()).append('\n');
            }
            return sb.toString();
        }
        throw json.error(p + ".source", "expected assembly text or an array of lines");
    }

    private Scenario.Expectation expectation(JsonNode n, String p, List<Scenario.VmSpec> vms) {
        object(n, p);
        keys(n, p, EXPECT);
        String vm = text(n, p, "vm", null);
        Scenario.VmSpec spec = null;
        if (vm == null) {
            spec = vms.get(0);
            vm = spec.name();
            if (vms.size() > 1 && !n.has("trace")) {
                throw json.error(p, "this scenario has several VMs: name one with \"vm\"");
            }
        } else {
            for (Scenario.VmSpec s : vms) {
                if (s.name().equals(vm)) {
                    spec = s;
                }
            }
            if (spec == null) {
                throw json.error(p + ".vm", "no VM is called '" + vm + "'");
            }
        }
        int vcpu = (int) number(n, p, "vcpu", 0, 0, spec.vcpus() - 1);
        if (n.has("register")) {
            if (!n.has("equals")) {
                throw json.error(p, "a register expectation needs \"equals\"");
            }
            return new Scenario.RegisterEquals(vm, vcpu, text(n, p, "register", null), value(n.get("equals"), p + ".equals", Long.MIN_VALUE,
                    Long.MAX_VALUE), p);
        }
        if (n.has("memory")) {
            String hex = text(n, p, "bytes", null);
            if (hex == null) {
                throw json.error(p, "a memory expectation needs \"bytes\" (hex)");
            }
            try {
                return new Scenario.MemoryEquals(vm, value(n.get("memory"), p + ".memory", 0, Long.MAX_VALUE), Bytes.parseHex(hex), p);
            } catch (IllegalArgumentException ex) {
                throw json.error(p + ".bytes", ex.getMessage());
            }
        }
        if (n.has("state")) {
            String st = text(n, p, "state", null);
            if (!Set.of("running", "runnable", "halted", "off", "exited", "stopped").contains(st)) {
                throw json.error(p + ".state", "expected one of running, runnable, halted, off, exited, stopped; got \"" + st + "\"");
            }
            return new Scenario.StateIs(vm, vcpu, st, p);
        }
        if (n.has("interrupts")) {
            return new Scenario.InterruptsDelivered(vm, vcpu, (int) value(n.get("interrupts"), p + ".interrupts", 0, 0xFFFF_FFFFL),
                    (int) number(n, p, "count", 1, 0, Integer.MAX_VALUE), p);
        }
        if (n.has("trace")) {
            return new Scenario.TraceContains(n.has("vm") ? vm : null, text(n, p, "trace", null), p);
        }
        if (n.has("stopReason")) {
            return new Scenario.StopReasonContains(vm, vcpu, text(n, p, "stopReason", null), p);
        }
        throw json.error(p, "an expectation needs one of \"register\", \"memory\", \"state\", \"interrupts\", \"trace\", \"stopReason\"");
    }

    // ---------------------------------------------------------------- typed access

    private void object(JsonNode n, String p) {
        if (n == null || !n.isObject()) {
            throw json.error(p, "expected a JSON object");
        }
    }

    private void array(JsonNode n, String p) {
        if (!n.isArray()) {
            throw json.error(p, "expected a JSON array");
        }
    }

    private void keys(JsonNode n, String p, Set<String> allowed) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw json.error(p + "." + k, "unknown key '" + k + "'; expected one of " + new java.util.TreeSet<>(allowed));
            }
        }
    }

    private String text(JsonNode n, String p, String key, String dflt) {
        JsonNode v = n.get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isTextual()) {
            throw json.error(p + "." + key, "expected a string");
        }
        return v.asText();
    }

    private long number(JsonNode n, String p, String key, long dflt, long min, long max) {
        JsonNode v = n.get(key);
        if (v == null) {
            return dflt;
        }
        return value(v, p + "." + key, min, max);
    }

    private long value(JsonNode v, String p, long min, long max) {
        long x;
        if (v.isIntegralNumber()) {
            if (!v.canConvertToLong()) {
                throw json.error(p, "number " + v.asText() + " does not fit in 64 bits");
            }
            x = v.asLong();
        } else if (v.isTextual()) {
            try {
                x = Bytes.parseNumber(v.asText());
            } catch (IllegalArgumentException e) {
                throw json.error(p, e.getMessage());
            }
        } else {
            throw json.error(p, "expected an integer (a JSON number or a string such as \"0x1000\")");
        }
        if (min != Long.MIN_VALUE && (x < min || x > max)) {
            throw json.error(p, "value " + x + " is out of range " + min + ".." + max);
        }
        return x;
    }
}
