package dev.hcsim.cli;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.sched.SingleCall;
import dev.hcsim.core.spi.Architecture;
import dev.hcsim.views.CallExplanation;
import dev.hcsim.views.CallJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hcsim call}: one hypercall on a fresh VM, printed as one JSON object. */
@Command(name = "call", description = {"Run exactly one hypercall on a fresh VM through the architecture's trap instruction.",
    "Architecture options are flags: --NAME VALUE (see 'hcsim explain --arch ARCH'), e.g. --vendor amd --cpl 3 --mode 32.",
    "REG=VALUE sets a register by ABI or raw name; VALUE is decimal, -decimal or 0x-hex."})
final class CallCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--arch", required = true, description = "x86, s390, ppc, mips, loongarch, arm64, riscv (or an alias)")
    String arch;

    @Option(names = "--insn", description = "the trap instruction: assembly text or hex bytes (default: the native one)")
    String insn;

    @Option(names = "--vcpus", defaultValue = "1", description = "vCPUs in the VM (the others are halted)")
    int vcpus;

    @Option(names = "--vcpu", defaultValue = "0", description = "the calling vCPU")
    int vcpu;

    @Option(names = "--feature", description = "switch a VM feature on")
    List<String> featuresOn = new ArrayList<>();

    @Option(names = "--no-feature", description = "switch a VM feature off")
    List<String> featuresOff = new ArrayList<>();

    @Option(names = "--mem", description = "preload guest memory: GPA=HEXBYTES")
    List<String> mem = new ArrayList<>();

    @Option(names = "--memory", description = "a memory region BASE:SIZE the VM owns (repeatable; the first replaces the default 64 KiB at 0)")
    List<String> regions = new ArrayList<>();

    @Option(names = "--seed", defaultValue = "0", description = "the VM's seed")
    long seed;

    @Option(names = "--off", split = ",", description = "vCPUs that start powered off (the others are halted)")
    List<Integer> off = new ArrayList<>();

    @Option(names = "--explain", description = "explain the call step by step (bytes, registers, kernel rule, effects): the JSON's \"explanation\" field")
    boolean explain;

    @Option(names = "--format", defaultValue = "json", description = "json (one JSON object), or text: only the step-by-step explanation")
    String format;

    @Parameters(paramLabel = "REG=VALUE", description = "register settings by ABI or raw name")
    List<String> rest = new ArrayList<>();

    /**
     * A 128-bit register value written {@code 0x} and up to 32 hex digits: {low, high} halves.
     * @throws IllegalArgumentException naming the register when the value is not that
     */
    static long[] vector128(String reg, String text) {
        String h = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2).replace("_", "") : null;
        if (h == null || h.isEmpty() || h.length() > 32 || !h.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException(reg + " is a 128-bit register: give it as 0x and up to 32 hex digits, got '" + text + "'");
        }
        String padded = "0".repeat(32 - h.length()) + h;
        return new long[] {Bytes.parseUnsigned(padded.substring(16), 16), Bytes.parseUnsigned(padded.substring(0, 16), 16)};
    }

    @Override
    public Integer call() {
        Architecture a = ArchOptions.arch(arch);
        VmConfig.Builder b = VmConfig.builder(a.name()).vcpus(vcpus).seed(seed);
        for (String region : regions) {
            int colon = region.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("--memory expects BASE:SIZE, got '" + region + "'");
            }
            b.memory(Bytes.parseNumber(region.substring(0, colon)), Bytes.parseNumber(region.substring(colon + 1)));
        }
        featuresOn.forEach(f -> b.feature(f, true));
        featuresOff.forEach(f -> b.feature(f, false));
        Map<String, Long> regs = new LinkedHashMap<>();
        for (String t : rest) {
            if (t.contains("=")) {
                String reg = t.substring(0, t.indexOf('='));
                if (a.registers().indexOf(reg) < 0 && a.registers().vectorIndexOf(reg) >= 0) {
                    long[] v = vector128(reg, t.substring(t.indexOf('=') + 1));
                    regs.put(reg + ".lo", v[0]);
                    regs.put(reg + ".hi", v[1]);
                    continue;
                }
                if (a.registers().indexOf(reg) < 0) {
                    throw new IllegalArgumentException("unknown " + a.name() + " register '" + reg + "'");
                }
                regs.put(reg, Bytes.parseNumber(t.substring(t.indexOf('=') + 1)));
            } else {
                throw new IllegalArgumentException("expected REG=VALUE, got '" + t + "'");
            }
        }
        ArchOptions.apply(a, spec, b);
        Map<Long, byte[]> memory = new LinkedHashMap<>();
        for (String m : mem) {
            int eq = m.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("--mem expects GPA=HEXBYTES, got '" + m + "'");
            }
            memory.put(Bytes.parseNumber(m.substring(0, eq)), Bytes.parseHex(m.substring(eq + 1)));
        }
        if (!format.equals("json") && !format.equals("text")) {
            throw new IllegalArgumentException("--format must be json or text, got '" + format + "'");
        }
        Map<Integer, dev.hcsim.core.VcpuState> states = new LinkedHashMap<>();
        off.forEach(i -> states.put(i, dev.hcsim.core.VcpuState.OFF));
        SingleCall.Result r = SingleCall.run(b.build(), vcpu, insn, regs, memory, states);
        if (format.equals("json")) {
            // one JSON document on stdout, whatever the flags: the explanation is a field of it
            Map<String, Object> o = CallJson.of(r);
            if (explain) {
                o.put("explanation", CallExplanation.text(r));
            }
            spec.commandLine().getOut().println(Json.pretty(o));
        } else {
            spec.commandLine().getOut().print(CallExplanation.text(r));
        }
        return 0;
    }
}
