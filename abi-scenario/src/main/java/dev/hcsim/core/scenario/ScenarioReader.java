package dev.hcsim.core.scenario;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.Interleave;
import dev.hcsim.core.VmConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
    private static final Set<String> VM = Set.of("name", "arch", "vcpus", "pcpus", "quantum", "interleave", "seed", "memory", "features", "options",
            "vcpuIds", "maxSteps", "maxTimeNs", "programs", "data", "cpus", "host", "comment");
    private static final Set<String> PROGRAM = Set.of("name", "at", "source", "comment");
    private static final Set<String> DATA = Set.of("at", "bytes", "comment");
    private static final Set<String> CPU = Set.of("vcpu", "entry", "state", "registers", "comment");
    private static final Set<String> REGION = Set.of("base", "size");
    private static final Set<String> EXPECT = Set.of("vm", "vcpu", "register", "equals", "mask", "memory", "bytes", "state", "interrupts",
            "count", "trace", "stopReason", "comment");

    private final JsonTree root;
    private final String file;
    private final Scenario.Where where;

    private ScenarioReader(JsonTree root, String file, Scenario.Where where) {
        this.root = root;
        this.file = file;
        this.where = where;
    }

    /**
     * Reads a scenario from a JSON tree parsed elsewhere: the one reader of scenario semantics, whichever parser
     * made the tree (the Explorer page passes the browser's {@code JSON.parse} result).
     * @param root the document's top-level value
     * @param file the name used in messages
     * @param where names the place of a JSON path in messages ("file:line:col", or just the file when unknown)
     * @return the parsed scenario
     * @throws ScenarioException naming the place and the JSON path for anything malformed
     */
    public static Scenario read(JsonTree root, String file, Scenario.Where where) {
        return new ScenarioReader(root, file, where).scenario();
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
        LocatedJson json = LocatedJson.parse(text, file);
        return read(JacksonTree.of(json.root), file, json::at);
    }

    private Scenario scenario() {
        if (root.kind() != JsonTree.Kind.OBJECT) {
            throw error("$", "expected a JSON object with \"vms\" and \"expect\"");
        }
        keys(root, "$", TOP);
        String name = text(root, "$", "name", null);
        List<Scenario.VmSpec> vms = new ArrayList<>();
        if (root.get("vm") != null && root.get("vms") != null) {
            throw error("$", "give either \"vm\" or \"vms\", not both");
        }
        if (root.get("vm") != null) {
            vms.add(vm(root.get("vm"), "$.vm", 0));
        } else {
            JsonTree arr = root.get("vms");
            if (arr == null || arr.kind() != JsonTree.Kind.ARRAY || arr.size() == 0) {
                throw error("$", "expected \"vms\": a non-empty array of VMs (or \"vm\": one VM)");
            }
            if (arr.size() > MAX_VMS) {
                throw error("$.vms", "lists " + arr.size() + " VMs; a scenario may have at most " + MAX_VMS);
            }
            for (int i = 0; i < arr.size(); i++) {
                vms.add(vm(arr.get(i), "$.vms[" + i + "]", i));
            }
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < vms.size(); i++) {
            if (!names.add(vms.get(i).name())) { // a set: 250 000 VMs must not take O(n^2) to reject
                throw error("$.vms[" + i + "].name", "VM name '" + vms.get(i).name() + "' is used twice");
            }
        }
        List<Scenario.Expectation> ex = new ArrayList<>();
        JsonTree e = root.get("expect");
        if (e != null) {
            if (e.kind() != JsonTree.Kind.ARRAY) {
                throw error("$.expect", "expected an array of expectations");
            }
            for (int i = 0; i < e.size(); i++) {
                ex.add(expectation(e.get(i), "$.expect[" + i + "]", vms));
            }
        }
        return new Scenario(file, name == null ? vms.get(0).name() : name, text(root, "$", "title", ""),
                text(root, "$", "description", ""), vms, ex, where);
    }

    private Scenario.VmSpec vm(JsonTree n, String path, int index) {
        object(n, path);
        keys(n, path, VM);
        String name = text(n, path, "name", "vm" + index);
        String arch = text(n, path, "arch", null);
        if (arch == null) {
            throw error(path, "missing \"arch\" (one of " + dev.hcsim.core.Hcsim.architectures().stream().map(a -> a.name()).toList() + ")");
        }
        int vcpus = (int) number(n, path, "vcpus", 1, 1, VmConfig.MAX_VCPUS);
        int pcpus = (int) number(n, path, "pcpus", 1, 1, VmConfig.MAX_PCPUS);
        long quantum = number(n, path, "quantum", 1000, 1, Long.MAX_VALUE);
        String interleaveName = text(n, path, "interleave", Interleave.BLOCK.key());
        Interleave interleave;
        try {
            interleave = Interleave.of(interleaveName);
        } catch (IllegalArgumentException e) {
            throw error(path + ".interleave", "must be \"block\" (a block of instructions per physical CPU and step, the default) or "
                    + "\"instruction\" (one instruction per physical CPU and tick), got '" + interleaveName + "'");
        }
        long seed = number(n, path, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE);
        long maxSteps = number(n, path, "maxSteps", 1_000_000, 1, 1_000_000_000L);
        long maxTime = number(n, path, "maxTimeNs", 1_000_000_000L, 1, Long.MAX_VALUE);
        List<long[]> memory = new ArrayList<>();
        JsonTree mem = n.get("memory");
        if (mem != null) {
            array(mem, path + ".memory");
            if (mem.size() == 0) {
                throw error(path + ".memory", "an empty list gives the VM no memory; leave \"memory\" out for the default 64 KiB at 0");
            }
            if (mem.size() > MAX_REGIONS) {
                throw error(path + ".memory", "lists " + mem.size() + " regions; a VM may have at most " + MAX_REGIONS);
            }
            for (int i = 0; i < mem.size(); i++) {
                String p = path + ".memory[" + i + "]";
                object(mem.get(i), p);
                keys(mem.get(i), p, REGION);
                long base = number(mem.get(i), p, "base", 0, 0, Long.MAX_VALUE);
                long size = number(mem.get(i), p, "size", -1, 1, MAX_REGION_BYTES);
                if (size < 0) {
                    throw error(p, "missing \"size\"");
                }
                if (base + size < 0) {
                    throw error(p, "region runs past the 63-bit address space");
                }
                for (int j = 0; j < memory.size(); j++) {
                    long[] o = memory.get(j);
                    if (base < o[0] + o[1] && o[0] < base + size) {
                        throw error(p, String.format(java.util.Locale.ROOT, "region [0x%x, 0x%x) overlaps memory[%d] [0x%x, 0x%x)", base, base + size, j,
                                o[0], o[0] + o[1]));
                    }
                }
                memory.add(new long[] {base, size});
            }
        }
        Map<String, Boolean> features = new LinkedHashMap<>();
        JsonTree f = n.get("features");
        if (f != null) {
            object(f, path + ".features");
            for (String key : f.keys()) {
                var e = java.util.Map.entry(key, f.get(key));
                if (e.getValue().kind() != JsonTree.Kind.BOOLEAN) {
                    throw error(path + ".features." + e.getKey(), "expected true or false");
                }
                features.put(e.getKey(), e.getValue().text().equals("true"));
            }
        }
        Map<String, String> options = new LinkedHashMap<>();
        JsonTree o = n.get("options");
        if (o != null) {
            object(o, path + ".options");
            for (String key : o.keys()) {
                var e = java.util.Map.entry(key, o.get(key));
                if (e.getValue().kind() == JsonTree.Kind.OBJECT || e.getValue().kind() == JsonTree.Kind.ARRAY || e.getValue().kind() == JsonTree.Kind.NULL) {
                    throw error(path + ".options." + e.getKey(), "expected a string, number or boolean");
                }
                options.put(e.getKey(), e.getValue().text());
            }
        }
        long[] ids = null;
        JsonTree idn = n.get("vcpuIds");
        if (idn != null) {
            array(idn, path + ".vcpuIds");
            if (idn.size() != vcpus) {
                throw error(path + ".vcpuIds", "lists " + idn.size() + " ids for " + vcpus + " vCPUs");
            }
            ids = new long[vcpus];
            for (int i = 0; i < vcpus; i++) {
                ids[i] = value(idn.get(i), path + ".vcpuIds[" + i + "]", 0, Long.MAX_VALUE); // -1 and 2^64-1 are not ids
            }
        }
        List<Scenario.ProgramSpec> programs = new ArrayList<>();
        JsonTree progs = n.get("programs");
        if (progs != null) {
            array(progs, path + ".programs");
            for (int i = 0; i < progs.size(); i++) {
                String p = path + ".programs[" + i + "]";
                JsonTree pn = progs.get(i);
                object(pn, p);
                keys(pn, p, PROGRAM);
                String src = source(pn, p);
                String pname = text(pn, p, "name", "program" + i);
                for (Scenario.ProgramSpec prev : programs) {
                    if (prev.name().equals(pname)) {
                        throw error(p + ".name", "program name '" + pname + "' is used twice (also at " + prev.path() + ")");
                    }
                }
                programs.add(new Scenario.ProgramSpec(pname, number(pn, p, "at", -1, -1, Long.MAX_VALUE), src, p));
            }
        }
        List<Scenario.DataSpec> data = new ArrayList<>();
        JsonTree dn = n.get("data");
        if (dn != null) {
            array(dn, path + ".data");
            for (int i = 0; i < dn.size(); i++) {
                String p = path + ".data[" + i + "]";
                object(dn.get(i), p);
                keys(dn.get(i), p, DATA);
                String hex = text(dn.get(i), p, "bytes", null);
                if (hex == null) {
                    throw error(p, "missing \"bytes\" (hex)");
                }
                byte[] bytes;
                try {
                    bytes = Bytes.parseHex(hex);
                } catch (IllegalArgumentException ex) {
                    throw error(p + ".bytes", ex.getMessage());
                }
                data.add(new Scenario.DataSpec(number(dn.get(i), p, "at", 0, 0, Long.MAX_VALUE), bytes, p));
            }
        }
        List<Scenario.CpuSpec> cpus = new ArrayList<>();
        JsonTree cn = n.get("cpus");
        if (cn != null) {
            array(cn, path + ".cpus");
            for (int i = 0; i < cn.size(); i++) {
                String p = path + ".cpus[" + i + "]";
                JsonTree c = cn.get(i);
                object(c, p);
                keys(c, p, CPU);
                int v = (int) number(c, p, "vcpu", -1, 0, vcpus - 1);
                if (v < 0) {
                    throw error(p, "missing \"vcpu\" (0.." + (vcpus - 1) + ")");
                }
                for (Scenario.CpuSpec prev : cpus) {
                    if (prev.vcpu() == v) {
                        throw error(p + ".vcpu", "vCPU " + v + " is described twice");
                    }
                }
                String state = text(c, p, "state", "runnable");
                if (!Set.of("runnable", "halted", "off").contains(state)) {
                    throw error(p + ".state", "expected \"runnable\", \"halted\" or \"off\", got \"" + state + "\"");
                }
                Map<String, Long> regs = new LinkedHashMap<>();
                JsonTree rn = c.get("registers");
                if (rn != null) {
                    object(rn, p + ".registers");
                    for (String key : rn.keys()) {
                        var e = java.util.Map.entry(key, rn.get(key));
                        regs.put(e.getKey(), value(e.getValue(), p + ".registers." + e.getKey(), Long.MIN_VALUE, Long.MAX_VALUE));
                    }
                }
                JsonTree en = c.get("entry");
                String entry = en == null ? null : en.kind() == JsonTree.Kind.STRING ? en.text() : String.valueOf(value(en, p + ".entry", 0, Long.MAX_VALUE));
                cpus.add(new Scenario.CpuSpec(v, entry, state, regs, p));
            }
        }
        Map<String, List<Long>> host = new LinkedHashMap<>();
        JsonTree hn = n.get("host");
        if (hn != null) {
            object(hn, path + ".host");
            for (String key : hn.keys()) {
                var e = java.util.Map.entry(key, hn.get(key));
                if (!EXIT_REASONS.contains(e.getKey())) {
                    throw error(path + ".host." + e.getKey(), "unknown exit reason '" + e.getKey()
                            + "'; the keys of \"host\" are KVM exit reasons such as KVM_EXIT_HYPERCALL");
                }
                host.put(e.getKey(), hostAnswer(e.getKey(), e.getValue(), path + ".host." + e.getKey()));
            }
        }
        return new Scenario.VmSpec(name, arch, vcpus, pcpus, quantum, interleave, seed, memory, features, options, ids, maxSteps, maxTime, programs, data,
                cpus, host);
    }

    /** One value, or [ret[0], ret[1]] for KVM_EXIT_RISCV_SBI, the only exit whose kvm_run payload returns two. */
    private List<Long> hostAnswer(String reason, JsonTree v, String p) {
        if (v.kind() != JsonTree.Kind.ARRAY) {
            return List.of(value(v, p, Long.MIN_VALUE, Long.MAX_VALUE));
        }
        int max = reason.equals("KVM_EXIT_RISCV_SBI") ? 2 : 1;
        if (v.size() < 1 || v.size() > max) {
            throw error(p, max == 2 ? "give one or two values (ret[0], ret[1]), not " + v.size()
                    : "give one value: only KVM_EXIT_RISCV_SBI returns two (ret[0], ret[1])");
        }
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            out.add(value(v.get(i), p + "[" + i + "]", Long.MIN_VALUE, Long.MAX_VALUE));
        }
        return List.copyOf(out);
    }

    private String source(JsonTree pn, String p) {
        JsonTree s = pn.get("source");
        if (s == null) {
            throw error(p, "missing \"source\" (assembly text, or an array of lines)");
        }
        if (s.kind() == JsonTree.Kind.STRING) {
            return s.text();
        }
        if (s.kind() == JsonTree.Kind.ARRAY) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < s.size(); i++) {
                if (s.get(i).kind() != JsonTree.Kind.STRING) {
                    throw error(p + ".source[" + i + "]", "expected a line of assembly (a string)");
                }
                sb.append(s.get(i).text()).append('\n');
            }
            return sb.toString();
        }
        throw error(p + ".source", "expected assembly text or an array of lines");
    }

    private Scenario.Expectation expectation(JsonTree n, String p, List<Scenario.VmSpec> vms) {
        object(n, p);
        keys(n, p, EXPECT);
        String vm = text(n, p, "vm", null);
        Scenario.VmSpec spec = null;
        if (vm == null) {
            spec = vms.get(0);
            vm = spec.name();
            if (vms.size() > 1 && n.get("trace") == null) {
                throw error(p, "this scenario has several VMs: name one with \"vm\"");
            }
        } else {
            for (Scenario.VmSpec s : vms) {
                if (s.name().equals(vm)) {
                    spec = s;
                }
            }
            if (spec == null) {
                throw error(p + ".vm", "no VM is called '" + vm + "'");
            }
        }
        int vcpu = (int) number(n, p, "vcpu", 0, 0, spec.vcpus() - 1);
        if (n.get("register") != null) {
            if (n.get("equals") == null) {
                throw error(p, "a register expectation needs \"equals\"");
            }
            long equals = value(n.get("equals"), p + ".equals", Long.MIN_VALUE, Long.MAX_VALUE);
            long mask = -1L;
            if (n.get("mask") != null) {
                mask = value(n.get("mask"), p + ".mask", Long.MIN_VALUE, Long.MAX_VALUE);
                if (mask == 0) {
                    throw error(p + ".mask", "a mask of 0 compares nothing; give the bits to compare");
                }
                if ((equals & ~mask) != 0) {
                    throw error(p + ".equals", "\"equals\" has bits outside \"mask\" (0x" + Long.toHexString(equals & ~mask)
                            + "); they would never be compared");
                }
            }
            return new Scenario.RegisterEquals(vm, vcpu, text(n, p, "register", null), equals, mask, p);
        }
        if (n.get("mask") != null) {
            throw error(p + ".mask", "\"mask\" belongs to a register expectation (with \"register\" and \"equals\")");
        }
        if (n.get("memory") != null) {
            String hex = text(n, p, "bytes", null);
            if (hex == null) {
                throw error(p, "a memory expectation needs \"bytes\" (hex)");
            }
            try {
                return new Scenario.MemoryEquals(vm, value(n.get("memory"), p + ".memory", 0, Long.MAX_VALUE), Bytes.parseHex(hex), p);
            } catch (IllegalArgumentException ex) {
                throw error(p + ".bytes", ex.getMessage());
            }
        }
        if (n.get("state") != null) {
            String st = text(n, p, "state", null);
            if (!Set.of("running", "runnable", "halted", "off", "exited", "stopped").contains(st)) {
                throw error(p + ".state", "expected one of running, runnable, halted, off, exited, stopped; got \"" + st + "\"");
            }
            return new Scenario.StateIs(vm, vcpu, st, p);
        }
        if (n.get("interrupts") != null) {
            return new Scenario.InterruptsDelivered(vm, vcpu, (int) value(n.get("interrupts"), p + ".interrupts", 0, 0xFFFF_FFFFL),
                    (int) number(n, p, "count", 1, 0, Integer.MAX_VALUE), p);
        }
        if (n.get("trace") != null) {
            return new Scenario.TraceContains(n.get("vm") != null ? vm : null, text(n, p, "trace", null), p);
        }
        if (n.get("stopReason") != null) {
            return new Scenario.StopReasonContains(vm, vcpu, text(n, p, "stopReason", null), p);
        }
        throw error(p, "an expectation needs one of \"register\", \"memory\", \"state\", \"interrupts\", \"trace\", \"stopReason\"");
    }

    // ---------------------------------------------------------------- typed access

    /** An error at {@code path}: "file:line:col: message (at path)". */
    private ScenarioException error(String path, String message) {
        return new ScenarioException(where.at(path) + ": " + message + " (at " + path + ")");
    }

    private void object(JsonTree n, String p) {
        if (n == null || n.kind() != JsonTree.Kind.OBJECT) {
            throw error(p, "expected a JSON object");
        }
    }

    private void array(JsonTree n, String p) {
        if (n.kind() != JsonTree.Kind.ARRAY) {
            throw error(p, "expected a JSON array");
        }
    }

    private void keys(JsonTree n, String p, Set<String> allowed) {
        for (String k : n.keys()) {
            if (!allowed.contains(k)) {
                throw error(p + "." + k, "unknown key '" + k + "'; expected one of " + new java.util.TreeSet<>(allowed));
            }
        }
    }

    private String text(JsonTree n, String p, String key, String dflt) {
        JsonTree v = n.get(key);
        if (v == null) {
            return dflt;
        }
        if (v.kind() != JsonTree.Kind.STRING) {
            throw error(p + "." + key, "expected a string");
        }
        return v.text();
    }

    private long number(JsonTree n, String p, String key, long dflt, long min, long max) {
        JsonTree v = n.get(key);
        if (v == null) {
            return dflt;
        }
        return value(v, p + "." + key, min, max);
    }

    private long value(JsonTree v, String p, long min, long max) {
        long x;
        if (v.isIntegral()) {
            if (!v.fitsLong()) {
                throw error(p, "number " + v.text() + " does not fit in 64 bits");
            }
            x = v.longValue();
        } else if (v.kind() == JsonTree.Kind.STRING) {
            try {
                x = Bytes.parseNumber(v.text());
            } catch (IllegalArgumentException e) {
                throw error(p, e.getMessage());
            }
        } else {
            throw error(p, "expected an integer (a JSON number or a string such as \"0x1000\")");
        }
        if (min != Long.MIN_VALUE && (x < min || x > max)) {
            throw error(p, "value " + x + " is out of range " + min + ".." + max);
        }
        return x;
    }
}
