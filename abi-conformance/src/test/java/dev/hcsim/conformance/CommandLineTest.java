package dev.hcsim.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;

import dev.hcsim.core.Bytes;
import dev.hcsim.core.VmConfig;
import dev.hcsim.core.engine.Architectures;
import dev.hcsim.core.sched.SingleCall;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The command line a disagreement prints reproduces the case: parsed as {@code hcsim call} parses it
 * (abi-cli CallCommand, ArchOptions) and run through {@link SingleCall}, it gives the outcome, status,
 * registers and PC of the kit's own run.
 */
class CommandLineTest {
    @TestFactory
    Stream<DynamicTest> thePrintedCommandLineReproducesTheCase() {
        return Architectures.all().stream().map(a -> DynamicTest.dynamicTest(a.name(), () ->
                qt().withExamples(200).forAll(AbiGenerators.calls(a)).checkAssert(inv -> {
                    OracleRun expected = Calls.oracle(inv);
                    SingleCall.Result got = replay(inv.commandLine());
                    String where = inv.commandLine();
                    assertEquals(expected.observed().outcome(), got.outcome(), where);
                    assertEquals(expected.status(), got.status(), where);
                    assertEquals(expected.observed().after().pc(), got.after().pc(), where);
                    for (int i = 0; i < got.after().layout().size(); i++) {
                        assertEquals(expected.after(i), got.after().get(i), where + ": " + got.after().layout().name(i));
                    }
                })));
    }

    /** {@code hcsim call} as the CLI reads it: --arch, --vcpus, --vcpu, --off, --seed, --feature, --no-feature, --memory, --insn, --mem, --OPTION VALUE, REG=VALUE. */
    static SingleCall.Result replay(String commandLine) {
        List<String> t = List.of(commandLine.trim().split("\\s+"));
        if (!t.get(0).equals("hcsim") || !t.get(1).equals("call")) {
            throw new IllegalArgumentException("not an hcsim call: " + commandLine);
        }
        String arch = null;
        int vcpus = 1;
        int vcpu = 0;
        long seed = 0;
        String insn = null;
        Map<String, Boolean> features = new LinkedHashMap<>();
        Map<String, String> options = new LinkedHashMap<>();
        Map<Long, byte[]> memory = new LinkedHashMap<>();
        Map<String, Long> regs = new LinkedHashMap<>();
        Map<Integer, dev.hcsim.core.VcpuState> states = new LinkedHashMap<>();
        List<long[]> regions = new java.util.ArrayList<>();
        for (int i = 2; i < t.size(); i++) {
            String s = t.get(i);
            switch (s) {
                case "--arch" -> arch = t.get(++i);
                case "--vcpus" -> vcpus = Integer.parseInt(t.get(++i));
                case "--vcpu" -> vcpu = Integer.parseInt(t.get(++i));
                case "--seed" -> seed = Long.parseLong(t.get(++i));
                case "--insn" -> insn = t.get(++i);
                case "--feature" -> features.put(t.get(++i), true);
                case "--no-feature" -> features.put(t.get(++i), false);
                case "--off" -> {
                    for (String v : t.get(++i).split(",")) {
                        states.put(Integer.parseInt(v), dev.hcsim.core.VcpuState.OFF);
                    }
                }
                case "--memory" -> {
                    String m = t.get(++i);
                    regions.add(new long[] {Bytes.parseNumber(m.substring(0, m.indexOf(':'))), Bytes.parseNumber(m.substring(m.indexOf(':') + 1))});
                }
                case "--mem" -> {
                    String m = t.get(++i);
                    memory.put(Bytes.parseNumber(m.substring(0, m.indexOf('='))), Bytes.parseHex(m.substring(m.indexOf('=') + 1)));
                }
                default -> {
                    if (s.startsWith("--")) {
                        options.put(s.substring(2), t.get(++i));
                    } else {
                        regs.put(s.substring(0, s.indexOf('=')), Bytes.parseNumber(s.substring(s.indexOf('=') + 1)));
                    }
                }
            }
        }
        VmConfig.Builder b = VmConfig.builder(arch).vcpus(vcpus).seed(seed);
        regions.forEach(r -> b.memory(r[0], r[1]));
        features.forEach(b::feature);
        options.forEach(b::option);
        return SingleCall.run(b.build(), vcpu, insn, regs, memory, states);
    }
}
