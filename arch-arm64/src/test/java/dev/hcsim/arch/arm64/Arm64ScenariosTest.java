package dev.hcsim.arch.arm64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.hcsim.core.scenario.ScenarioReader;
import dev.hcsim.core.scenario.ScenarioRunner;
import dev.hcsim.core.scenario.JsonLines;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The bundled arm64 scenarios meet their expectations, and each run is byte-for-byte repeatable. */
class Arm64ScenariosTest {
    @TestFactory
    Stream<DynamicTest> bundledScenarios() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of("../examples"))) {
            files = s.filter(p -> p.getFileName().toString().startsWith("arm64-") && p.toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(files.size() >= 3, "at least three arm64 scenarios are bundled");
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            ScenarioRunner.Result r = ScenarioRunner.run(ScenarioReader.read(f));
            assertTrue(r.passed(), () -> r.checks().stream().filter(c -> !c.passed()).map(c -> c.description() + " (actual " + c.actual() + ")")
                    .toList().toString());
            ScenarioRunner.Result again = ScenarioRunner.run(ScenarioReader.read(f));
            assertEquals(json(r), json(again), "same seed, same trace");
        }));
    }

    private static String json(ScenarioRunner.Result r) {
        StringWriter w = new StringWriter();
        JsonLines.write(r.trace().events(), w);
        return w.toString();
    }

    @Test
    @DisplayName("arm64-cpu-on-race.json under every seed tried: exactly one CPU_ON SUCCESS, the rest ALREADY_ON (psci.c kvm_psci_vcpu_on)")
    void cpuOnRaceOverSeeds() throws IOException {
        String text = Files.readString(Path.of("../examples/arm64-cpu-on-race.json"));
        assertTrue(text.contains("\"seed\": 1,"));
        qt().withExamples(40).forAll(longs().all()).checkAssert(seed -> {
            ScenarioRunner.Result r = ScenarioRunner.run(ScenarioReader.parse(text.replace("\"seed\": 1,", "\"seed\": " + seed + ","),
                    "arm64-cpu-on-race.json with seed " + seed));
            assertTrue(r.passed(), () -> "seed " + seed + ": " + r.checks().stream().filter(c -> !c.passed())
                    .map(c -> c.description() + " (actual " + c.actual() + ")").toList());
        });
    }
}
