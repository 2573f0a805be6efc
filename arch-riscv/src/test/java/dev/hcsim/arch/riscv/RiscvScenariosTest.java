package dev.hcsim.arch.riscv;

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

/** The bundled RISC-V scenarios meet their expectations, and each run is byte-for-byte repeatable. */
class RiscvScenariosTest {
    @TestFactory
    Stream<DynamicTest> bundledScenarios() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of("../examples"))) {
            files = s.filter(p -> p.getFileName().toString().startsWith("riscv-") && p.toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(files.size() >= 5, "the five RISC-V scenarios are bundled");
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
    @DisplayName("riscv-hsm-boot.json under every seed tried: each secondary starts with a0 = hartid, a1 = opaque (kvm_riscv_vcpu_sbi_load_reset_state)")
    void hsmBootOverSeeds() throws IOException {
        String text = Files.readString(Path.of("../examples/riscv-hsm-boot.json"));
        assertTrue(text.contains("\"seed\": 5,"));
        qt().withExamples(30).forAll(longs().all()).checkAssert(seed -> {
            ScenarioRunner.Result r = ScenarioRunner.run(ScenarioReader.parse(text.replace("\"seed\": 5,", "\"seed\": " + seed + ","),
                    "riscv-hsm-boot.json with seed " + seed));
            assertTrue(r.passed(), () -> "seed " + seed + ": " + r.checks().stream().filter(c -> !c.passed())
                    .map(c -> c.description() + " (actual " + c.actual() + ")").toList());
        });
    }
}
