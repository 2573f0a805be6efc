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
    /** The keys {@code host} accepts: KVM's exit reasons, KVM_EXIT_HYPERCALL and the others (uapi/linux/kvm.h). */
    private static final Set<String> EXIT_REASONS = java.util.Arrays.stream(dev.hcsim.core.ExitReason.values())
            .map(dev.hcsim.core.ExitReason::kernelName).collect(java.util.stream.Collectors.toUnmodifiableSet());

    /** Most VMs in one scenario. */
    public static final int MAX_VMS = 256;
    /** Most memory regions of one VM. */
    public static final int MAX_REGIONS = 64;

    private static final Set<String> TOP = Set.of("$schema", "name", "title", "description", "vms", "vm", "expect");
    private static final Set<String> VM = Set.of("name", "arch", "vcpus", "pcpus", "quantum", "seed", "memory", "features", "options",
            "vcpuIds", "maxSteps", "maxTimeNs", "programs", "data", "cpus", "host", "comment");
    private static final Set<String> PROGRAM = Set.of("name", "at", "source", "comment");
    private static final Set<String> DATA = Set.of("at", "bytes", "comment");
    private static final Set<String> CPU = Set.of("vcpu", "entry", "state", "registers", "comment");
    private static final Set<String> REGION = Set.of("base", "size");
    private static final Set<String> EXPECT = Set.of("vm", "vcpu", "register", "equals", "mask", "memory", "bytes", "state", "interrupts",
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
        return parse(decode(readBytes(file, MAX_FILE_BYTES), file.toString()), file.toString());
    }

    /**
     * Reads at most {@code limit} bytes of a file once, the limit applied while reading (a file that grows or is
     * swapped for {@code /dev/zero} after a size check cannot get past it). FIFOs, {@code /dev/stdin} and
     * process substitutions ({@code <(...)}) are read like files; a directory, a socket or a missing file is named
     * for what it is.
     * @param file the path
     * @param limit the most bytes accepted
     * @return the bytes
     * @throws ScenarioException naming the file and what is wrong
     */
    public static byte[] readBytes(Path file, long limit) {
        String name = file.toString();
        if (Files.isDirectory(file)) {
            throw new ScenarioException(name + ": is a directory, not a scenario file");
        }
        if (!Files.exists(file)) {
            throw new ScenarioException(name + (Files.isSymbolicLink(file) ? ": is a symbolic link to a file that does not exist" : ": no such file"));
        }
        try {
            Object mode = Files.getAttribute(file, "unix:mode");
            if (mode instanceof Integer m && (m & 0170000) == 0140000) {
                throw new ScenarioException(name + ": is a socket, not a scenario file");
            }
            if (mode instanceof Integer m && (m & 0170000) == 0060000) {
                throw new ScenarioException(name + ": is a block device, not a scenario file");
            }
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
            // no unix view: only regular files and directories are told apart
        }
        try (java.io.InputStream in = Files.newInputStream(file)) {
            return readLimited(in, name, limit);
        } catch (IOException e) {
            throw new ScenarioException(name + ": cannot read: " + reason(e));
        }
    }

    /**
     * Reads a stream to its end, refusing more than {@code limit} bytes as soon as it has read one byte more.
     * @param in the stream (standard input for {@code -})
     * @param name the name used in messages
     * @param limit the most bytes accepted
     * @return the bytes
     * @throws ScenarioException when the stream is longer than the limit or cannot be read
     */
    public static byte[] readLimited(java.io.InputStream in, String name, long limit) {
        try {
            byte[] raw = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (raw.length > limit) {
                throw new ScenarioException(name + ": is more than " + limit + " bytes; a scenario may be at most " + MAX_FILE_BYTES + " bytes");
            }
            return raw;
        } catch (IOException e) {
            throw new ScenarioException(name + ": cannot read: " + reason(e));
        }
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return String.valueOf(e.getMessage());
    }

    /**
     * Strict UTF-8: a byte sequence that is not UTF-8 is an error naming its line and byte offset (no silent
     * U+FFFD); a leading byte-order mark is skipped.
     * @param raw the file's bytes
     * @param name the name used in messages
     * @return the text
     * @throws ScenarioException for bytes that are not UTF-8
     */
    public static String decode(byte[] raw, String name) {
        int start = raw.length >= 3 && (raw[0] & 0xFF) == 0xEF && (raw[1] & 0xFF) == 0xBB && (raw[2] & 0xFF) == 0xBF ? 3 : 0;
        java.nio.charset.CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(raw, start, raw.length - start);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(raw.length);
        java.nio.charset.CoderResult r = d.decode(in, out, true);
        if (r.isError()) {
            int at = in.position();
            int line = 1;
            for (int i = start; i < at; i++) {
                if (raw[i] == '\n') {
                    line++;
                }
            }
            throw new ScenarioException(String.format(java.util.Locale.ROOT, "%s:%d: invalid UTF-8 (byte 0x%02x at offset %d); scenario files are UTF-8 text", name, line,
                    raw[at] & 0xFF, at));
        }
        d.flush(out);
        out.flip();
        return out.toString();
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
            if (arr.size() > MAX_VMS) {
                throw json.error("$.vms", "lists " + arr.size() + " VMs; a scenario may have at most " + MAX_VMS);
            }
            for (int i = 0; i < arr.size(); i++) {
                vms.add(vm(arr.get(i), "$.vms[" + i + "]", i));
            }
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < vms.size(); i++) {
            if (!names.add(vms.get(i).name())) { // a set: 250 000 VMs must not take O(n^2) to reject
                throw json.error("$.vms[" + i + "].name", "VM name '" + vms.get(i).name() + "' is used twice");
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
                text(root, "$", "description", ""), vms, ex, json::at);
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
            if (mem.isEmpty()) {
                throw json.error(path + ".memory", "an empty list gives the VM no memory; leave \"memory\" out for the default 64 KiB at 0");
            }
            if (mem.size() > MAX_REGIONS) {
                throw json.error(path + ".memory", "lists " + mem.size() + " regions; a VM may have at most " + MAX_REGIONS);
            }
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
                for (int j = 0; j < memory.size(); j++) {
                    long[] o = memory.get(j);
                    if (base < o[0] + o[1] && o[0] < base + size) {
                        throw json.error(p, String.format(java.util.Locale.ROOT, "region [0x%x, 0x%x) overlaps memory[%d] [0x%x, 0x%x)", base, base + size, j,
                                o[0], o[0] + o[1]));
                    }
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
                ids[i] = value(idn.get(i), path + ".vcpuIds[" + i + "]", 0, Long.MAX_VALUE); // -1 and 2^64-1 are not ids
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
                String pname = text(pn, p, "name", "program" + i);
                for (Scenario.ProgramSpec prev : programs) {
                    if (prev.name().equals(pname)) {
                        throw json.error(p + ".name", "program name '" + pname + "' is used twice (also at " + prev.path() + ")");
                    }
                }
                programs.add(new Scenario.ProgramSpec(pname, number(pn, p, "at", -1, -1, Long.MAX_VALUE), src, p));
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
                if (!EXIT_REASONS.contains(e.getKey())) {
                    throw json.error(path + ".host." + e.getKey(), "unknown exit reason '" + e.getKey()
                            + "'; the keys of \"host\" are KVM exit reasons such as KVM_EXIT_HYPERCALL");
                }
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
            long equals = value(n.get("equals"), p + ".equals", Long.MIN_VALUE, Long.MAX_VALUE);
            long mask = -1L;
            if (n.has("mask")) {
                mask = value(n.get("mask"), p + ".mask", Long.MIN_VALUE, Long.MAX_VALUE);
                if (mask == 0) {
                    throw json.error(p + ".mask", "a mask of 0 compares nothing; give the bits to compare");
                }
                if ((equals & ~mask) != 0) {
                    throw json.error(p + ".equals", "\"equals\" has bits outside \"mask\" (0x" + Long.toHexString(equals & ~mask)
                            + "); they would never be compared");
                }
            }
            return new Scenario.RegisterEquals(vm, vcpu, text(n, p, "register", null), equals, mask, p);
        }
        if (n.has("mask")) {
            throw json.error(p + ".mask", "\"mask\" belongs to a register expectation (with \"register\" and \"equals\")");
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
