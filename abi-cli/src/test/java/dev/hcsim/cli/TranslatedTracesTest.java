package dev.hcsim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hcsim.core.scenario.JsonLines;
import dev.hcsim.core.scenario.Scenario;
import dev.hcsim.core.scenario.ScenarioReader;
import dev.hcsim.core.scenario.ScenarioRunner;
import dev.hcsim.core.sched.Machine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bundled scenario gives the same trace, byte for byte, the same expectation results and the same registers
 * whether its guest code is interpreted an instruction at a time or translated a block at a time (issue 18): as
 * written, and again with every VM on one physical CPU, where the translating engine runs a block per scheduler step.
 * Blocks are compiled at their first run here, so that the generated code, not only the block interpreter, is what
 * runs.
 */
class TranslatedTracesTest {
    private static String threshold;

    @BeforeAll
    static void compileEveryBlock() {
        threshold = System.setProperty("hcsim.translate.threshold", "0");
    }

    @AfterAll
    static void restore() {
        if (threshold == null) {
            System.clearProperty("hcsim.translate.threshold");
        } else {
            System.setProperty("hcsim.translate.threshold", threshold);
        }
    }

    static List<Path> scenarios() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("../examples"))) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void translatedRunsGiveTheInterpretersTrace(Path file) throws IOException {
        String text = Files.readString(file);
        String onePcpu = text.replaceAll("\"pcpus\"\\s*:\\s*\\d+", "\"pcpus\": 1");
        for (boolean asWritten : new boolean[] {true, false}) {
            Scenario s = ScenarioReader.parse(asWritten ? text : onePcpu, file.getFileName().toString());
            String interpreted = run(s, false);
            String translated = run(s, true);
            assertFalse(interpreted.isEmpty());
            assertEquals(interpreted, translated, file + (asWritten ? "" : " on one physical CPU"));
        }
    }

    private static String run(Scenario s, boolean translate) {
        Map<String, Machine> machines = ScenarioRunner.build(s);
        machines.values().forEach(m -> m.translate(translate));
        machines.values().forEach(m -> assertEquals(translate, m.translating()));
        StringBuilder out = new StringBuilder();
        ScenarioRunner.Result r = ScenarioRunner.run(s, machines,
                new ScenarioRunner.Budget(0, 0, ScenarioRunner.Budget.DEFAULT_INSTRUCTIONS, Long.MAX_VALUE), 0,
                e -> out.append(JsonLines.line(e)).append('\n'));
        out.append(r.runs()).append('\n').append(r.checks()).append('\n');
        machines.forEach((name, m) -> {
            for (int v = 0; v < m.vm().vcpuCount(); v++) {
                out.append(name).append(' ').append(v).append(' ').append(m.registers(v)).append(' ').append(m.instructions(v)).append('\n');
            }
        });
        assertTrue(out.length() > 0);
        return out.toString();
    }
}
